<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>MainWindow</name>
    <message>
        <source>Playground sessions (*.playground);;All files (*)</source>
        <translation>Playground 会话 (*.playground);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open session</source>
        <translation>打开会话</translation>
    </message>
    <message>
        <source>Opening {name}…</source>
        <translation>正在打开 {name}…</translation>
    </message>
    <message>
        <source>Opened {name}</source>
        <translation>已打开 {name}</translation>
    </message>
    <message>
        <source>The session was not opened. {message}</source>
        <translation>未能打开会话。{message}</translation>
    </message>
    <message>
        <source>Open a Hugging Face model folder</source>
        <translation>打开 Hugging Face 模型文件夹</translation>
    </message>
    <message>
        <source>Opened the model in {name}: tokenize, inspect and generate with it</source>
        <translation>已打开 {name} 中的模型：可以用它分词、剖析它、用它生成文本</translation>
    </message>
    <message>
        <source>The model folder was not opened. {message}</source>
        <translation>模型文件夹没有打开。{message}</translation>
    </message>
    <message>
        <source>Playground sessions (*.playground)</source>
        <translation>Playground 会话 (*.playground)</translation>
    </message>
    <message>
        <source>Save session</source>
        <translation>保存会话</translation>
    </message>
    <message>
        <source>The session was not saved: {reason}</source>
        <translation>未能保存会话：{reason}</translation>
    </message>
    <message>
        <source>Saved {name}</source>
        <translation>已保存 {name}</translation>
    </message>
    <message>
        <source>Training is running: pause or stop it first.</source>
        <translation>正在训练：请先暂停或停止训练。</translation>
    </message>
    <message>
        <source>{folder} (pretrained model)</source>
        <translation>{folder}（预训练模型）</translation>
    </message>
    <message>
        <source>Untitled session</source>
        <translation>未命名会话</translation>
    </message>
    <message>
        <source>Transformer Playground</source>
        <translation>Transformer 游乐场</translation>
    </message>
</context>
</TS>
