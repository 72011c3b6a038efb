<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Dialogs</name>
    <message>
        <source>Unsaved training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model has trained weights that are not saved in a session.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save them before going on?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard the trained model?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This replaces the model and its trained weights, which are not saved. Go on?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Transformer Playground</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MIT (free to use, change and share)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Installed as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokenize text, build and train a small Transformer, look inside it and sample from it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>packaged app in {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Python package in {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Transformer Playground</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
