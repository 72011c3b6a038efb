#!/bin/sh
# Install the built .deb as a user would (apt resolves its dependencies), launch the installed
# app's self-test (window offscreen, a few training steps, a sample, a trace), then uninstall.
# A broken bundle or package fails here. Needs root or sudo, and apt.
set -eu
cd "$(dirname "$0")/../.."
deb=$(ls dist/*.deb | head -n 1)
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
# xvfb: a real X server, so the self-test also runs on Qt's xcb platform as on a desktop
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "./$deb" xvfb xauth \
    desktop-file-utils appstream
test -x /usr/bin/playground
test -f /usr/share/applications/org.transformerplayground.Playground.desktop
test -f /usr/share/icons/hicolor/scalable/apps/org.transformerplayground.Playground.svg
desktop-file-validate /usr/share/applications/org.transformerplayground.Playground.desktop
appstreamcli validate --no-net /usr/share/metainfo/org.transformerplayground.Playground.metainfo.xml
/usr/bin/playground --version
# from a folder with no project in it, with no display: the installed files alone must do
(cd /tmp && env -u DISPLAY -u PYTHONPATH -u QT_QPA_PLATFORM OMP_WAIT_POLICY=PASSIVE /usr/bin/playground --self-test)
(cd /tmp && env -u PYTHONPATH -u QT_QPA_PLATFORM OMP_WAIT_POLICY=PASSIVE \
    xvfb-run -a -s "-screen 0 1280x800x24" /usr/bin/playground --self-test -platform xcb)
$SUDO apt-get remove -y -qq transformer-playground
test ! -e /usr/bin/playground
echo "the .deb installed, passed its self-test and uninstalled: $deb"
