<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>RunWatchView</name>
    <message>
        <source>Not watching a run folder</source>
        <translation>没有在监视运行文件夹</translation>
    </message>
    <message>
        <source>Load newest checkpoint</source>
        <translation>载入最新检查点</translation>
    </message>
    <message>
        <source>Open the run&apos;s newest checkpoint in Inspect and Generate</source>
        <translation>在“剖析”和“生成”中打开这次运行的最新检查点</translation>
    </message>
    <message>
        <source>Stop watching</source>
        <translation>停止监视</translation>
    </message>
    <message>
        <source>No evaluation yet</source>
        <translation>尚未评估</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康</translation>
    </message>
    <message>
        <source>The watched run&apos;s health records: gradient norm and update size per layer, attention entropy per head, what looks off</source>
        <translation>所监视运行的健康记录：各层的梯度范数和更新幅度、各注意力头的熵，以及哪里不对劲</translation>
    </message>
    <message>
        <source>Watching {folder}</source>
        <translation>正在监视 {folder}</translation>
    </message>
    <message>
        <source>Not watching any more: {folder}</source>
        <translation>已不再监视：{folder}</translation>
    </message>
    <message>
        <source>The disk of this run has not answered for {s} s. The window goes on; the curves continue when the disk answers.</source>
        <translation>这次运行所在的磁盘已有 {s} 秒没有响应。窗口照常工作；磁盘响应后曲线会接着画。</translation>
    </message>
    <message>
        <source>Health ({n})</source>
        <translation>健康（{n}）</translation>
    </message>
    <message>
        <source>At step {step}: {metrics}</source>
        <translation>第 {step} 步时：{metrics}</translation>
    </message>
    <message>
        <source>Device: {name}</source>
        <translation>设备：{name}</translation>
    </message>
    <message>
        <source>CPU threads: {n}</source>
        <translation>CPU 线程数：{n}</translation>
    </message>
    <message>
        <source>Processes: {n}</source>
        <translation>进程数：{n}</translation>
    </message>
    <message>
        <source>Not watching</source>
        <translation>未监视</translation>
    </message>
    <message>
        <source>No folder</source>
        <translation>没有文件夹</translation>
    </message>
    <message>
        <source>Not a run</source>
        <translation>不是运行文件夹</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练中</translation>
    </message>
    <message>
        <source>No news</source>
        <translation>无新记录</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Diverged</source>
        <translation>已发散</translation>
    </message>
    <message>
        <source>Unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>Open {path} in Inspect and Generate</source>
        <translation>在“剖析”和“生成”中打开 {path}</translation>
    </message>
    <message>
        <source>The run has saved no checkpoint yet</source>
        <translation>这次运行还没有保存检查点</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>auto (the run chooses)</source>
        <translation>自动（由运行决定）</translation>
    </message>
</context>
</TS>
