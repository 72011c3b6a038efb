<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>SelfTest</name>
    <message>
        <source>the app&apos;s icons cannot be drawn (resources or Qt&apos;s SVG plugin are missing)</source>
        <translation>无法绘制应用图标（缺少资源文件或 Qt 的 SVG 插件）</translation>
    </message>
    <message>
        <source>training ended as &apos;{state}&apos;</source>
        <translation>训练以“{state}”状态结束</translation>
    </message>
    <message>
        <source>&apos;{stage}&apos; did not finish in {seconds} s</source>
        <translation>“{stage}”阶段没有在 {seconds} 秒内完成</translation>
    </message>
    <message>
        <source>playground self-test FAILED: {message}</source>
        <translation>playground 自检失败：{message}</translation>
    </message>
    <message>
        <source>training recorded {n} of {steps} steps</source>
        <translation>训练只记录了 {steps} 步中的 {n} 步</translation>
    </message>
    <message>
        <source>playground self-test passed: {version}, torch {torch}, window {window} s, ready {ready} s, trained {task} {steps} steps (loss {first} -&gt; {last}) in {train} s, generated {chars} characters in {generate} s, traced {stages} stages in {inspect} s; total {total} s</source>
        <translation>playground 自检通过：{version}，torch {torch}，窗口 {window} 秒，就绪 {ready} 秒，训练 {task} {steps} 步（损失 {first} -&gt; {last}）用时 {train} 秒，生成 {chars} 个字符用时 {generate} 秒，追踪 {stages} 个阶段用时 {inspect} 秒；总计 {total} 秒</translation>
    </message>
</context>
</TS>
