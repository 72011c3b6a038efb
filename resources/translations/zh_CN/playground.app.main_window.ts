<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>LoadingPage</name>
    <message>
        <source>Transformer Playground</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading PyTorch…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the plots…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preparing the panels…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The playground could not start: {message}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Step {step}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} M parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom {percent} %</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
