<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>LoadingPage</name>
    <message>
        <source>Transformer Playground</source>
        <translation>Transformer 游乐场</translation>
    </message>
    <message>
        <source>Loading PyTorch…</source>
        <translation>正在加载 PyTorch…</translation>
    </message>
    <message>
        <source>Loading the plots…</source>
        <translation>正在加载绘图组件…</translation>
    </message>
    <message>
        <source>Preparing the panels…</source>
        <translation>正在准备面板…</translation>
    </message>
    <message>
        <source>The playground could not start: {message}</source>
        <translation>程序无法启动：{message}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Pretrained weights</source>
        <translation>预训练权重</translation>
    </message>
    <message>
        <source>Step {step}</source>
        <translation>第 {step} 步</translation>
    </message>
    <message>
        <source>{n} M parameters</source>
        <translation>参数量 {n} M</translation>
    </message>
    <message>
        <source>Device: {name}</source>
        <translation>设备：{name}</translation>
    </message>
    <message>
        <source>Zoom {percent}</source>
        <translation>缩放 {percent}</translation>
    </message>
</context>
</TS>
