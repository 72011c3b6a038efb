<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Presentation</name>
    <message>
        <source>&amp;Presentation mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <source>Full screen, large text and plots, advanced controls hidden ({key})</source>
        <translation>全屏显示，放大文字和图表，隐藏高级选项（{key}）</translation>
    </message>
    <message>
        <source>Presentation &amp;scale</source>
        <translation>演示缩放(&amp;S)</translation>
    </message>
    <message>
        <source>Presentation &amp;contrast</source>
        <translation>演示对比度(&amp;C)</translation>
    </message>
    <message>
        <source>Keep the theme</source>
        <translation>沿用当前主题</translation>
    </message>
    <message>
        <source>High contrast: white on black</source>
        <translation>高对比度：黑底白字</translation>
    </message>
    <message>
        <source>High contrast: black on white</source>
        <translation>高对比度：白底黑字</translation>
    </message>
    <message>
        <source>Presentation mode: {key} or Esc leaves it</source>
        <translation>演示模式：按 {key} 或 Esc 退出</translation>
    </message>
</context>
</TS>
