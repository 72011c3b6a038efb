; Inno Setup 6 script for the Windows installer. Not built by this project's CI (no Windows
; runner here): packaging/build.py windows runs it with the values below defined, e.g.
;   iscc /DAppVersion=0.1.0 /DBundleDir=build\dist\playground /DOutputDir=dist playground.iss
; It installs per user by default (no administrator needed in a classroom), offers a desktop
; icon, and puts the uninstaller in Settings > Apps.

#ifndef AppVersion
  #error Define AppVersion (packaging/build.py passes playground.__version__)
#endif
#ifndef BundleDir
  #define BundleDir "..\..\build\dist\playground"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

[Setup]
AppId={{6F1C5E02-7A43-4C1B-9D36-2B1E8C0A9F51}
AppName=Transformer Playground
AppVersion={#AppVersion}
AppPublisher=Transformer Playground developers
DefaultDirName={autopf}\Transformer Playground
DefaultGroupName=Transformer Playground
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
LicenseFile=..\..\LICENSE
OutputDir={#OutputDir}
OutputBaseFilename=TransformerPlayground-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\playground.exe

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Transformer Playground"; Filename: "{app}\playground.exe"
Name: "{group}\{cm:UninstallProgram,Transformer Playground}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Transformer Playground"; Filename: "{app}\playground.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\playground.exe"; Description: "{cm:LaunchProgram,Transformer Playground}"; Flags: nowait postinstall skipifsilent
