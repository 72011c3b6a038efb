<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Dialogs</name>
    <message>
        <source>Unsaved training</source>
        <translation>训练结果未保存</translation>
    </message>
    <message>
        <source>The model has trained weights that are not saved in a session.</source>
        <translation>模型训练过的权重还没有保存到会话中。</translation>
    </message>
    <message>
        <source>Save them before going on?</source>
        <translation>继续之前要先保存吗？</translation>
    </message>
    <message>
        <source>Discard the trained model?</source>
        <translation>放弃训练好的模型？</translation>
    </message>
    <message>
        <source>This replaces the model and its trained weights, which are not saved. Go on?</source>
        <translation>这会替换模型和它尚未保存的训练权重。要继续吗？</translation>
    </message>
    <message>
        <source>Transformer Playground</source>
        <translation>Transformer 游乐场</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>MIT (free to use, change and share)</source>
        <translation>MIT（可自由使用、修改和分享）</translation>
    </message>
    <message>
        <source>Installed as</source>
        <translation>安装方式</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>Tokenize text, build and train a small Transformer, look inside it and sample from it.</source>
        <translation>对文本分词，搭建并训练一个小型 Transformer，查看它的内部，并用它生成文本。</translation>
    </message>
    <message>
        <source>packaged app in {folder}</source>
        <translation>打包的应用，位于 {folder}</translation>
    </message>
    <message>
        <source>Python package in {folder}</source>
        <translation>Python 包，位于 {folder}</translation>
    </message>
    <message>
        <source>About Transformer Playground</source>
        <translation>关于 Transformer 游乐场</translation>
    </message>
</context>
</TS>
