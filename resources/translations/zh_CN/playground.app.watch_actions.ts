<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>RunWatchActions</name>
    <message>
        <source>Watched run</source>
        <translation>监视的运行</translation>
    </message>
    <message>
        <source>A run written by the command line or torchrun, followed live</source>
        <translation>命令行或 torchrun 写出的一次运行，实时跟进</translation>
    </message>
    <message>
        <source>&amp;Watch a run folder…</source>
        <translation>监视运行文件夹(&amp;W)…</translation>
    </message>
    <message>
        <source>Follow a run written by &apos;playground train&apos; or torchrun, here or on a mounted disk</source>
        <translation>实时跟进 &apos;playground train&apos; 或 torchrun 写出的运行，文件夹可在本机，也可在挂载的磁盘上</translation>
    </message>
    <message>
        <source>Stop &amp;watching</source>
        <translation>停止监视(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Load newest checkpoint</source>
        <translation>载入最新检查点(&amp;L)</translation>
    </message>
    <message>
        <source>Open the watched run&apos;s newest checkpoint in Inspect and Generate</source>
        <translation>在“剖析”和“生成”中打开所监视运行的最新检查点</translation>
    </message>
    <message>
        <source>Watch a run folder</source>
        <translation>监视运行文件夹</translation>
    </message>
    <message>
        <source>Training is running in this window: stop it before watching a run folder.</source>
        <translation>本窗口正在训练：请先停止训练，再监视运行文件夹。</translation>
    </message>
    <message>
        <source>The run being watched: {folder}</source>
        <translation>正在监视的运行：{folder}</translation>
    </message>
    <message>
        <source>These are this window&apos;s own checkpoints. The watched run&apos;s newest one opens with “Load newest checkpoint” in its tab.</source>
        <translation>这里列出的是本窗口自己的检查点。监视的运行的最新检查点，请在它的标签页里点“载入最新检查点”打开。</translation>
    </message>
    <message>
        <source>Watched run: step {step}</source>
        <translation>所监视的运行：第 {step} 步</translation>
    </message>
    <message>
        <source>Watched run: no step yet</source>
        <translation>所监视的运行：尚无训练步</translation>
    </message>
    <message>
        <source>not known yet</source>
        <translation>尚不知道</translation>
    </message>
    <message>
        <source>Watched run&apos;s device: {name}</source>
        <translation>所监视的运行的设备：{name}</translation>
    </message>
    <message>
        <source>Watched run: {n} M parameters</source>
        <translation>所监视的运行：{n} M 个参数</translation>
    </message>
    <message>
        <source>Watched run&apos;s parameters: {n}</source>
        <translation>所监视的运行的参数量：{n}</translation>
    </message>
    <message>
        <source>Watching stopped: training started in this window. Watch the folder again when it is done.</source>
        <translation>已停止监视：本窗口开始了训练。训练结束后可再次监视该文件夹。</translation>
    </message>
    <message>
        <source>This run has saved no checkpoint yet. The trainer saves one at the end, and every N steps with --checkpoint-interval N.</source>
        <translation>这次运行还没有保存检查点。训练结束时会保存一个；使用 --checkpoint-interval N 时每 N 步保存一个。</translation>
    </message>
    <message>
        <source>Loading {name}…</source>
        <translation>正在载入 {name}…</translation>
    </message>
    <message>
        <source>Step {step} of {run} is loaded: Inspect and Generate use it now</source>
        <translation>已载入 {run} 第 {step} 步的检查点：“剖析”和“生成”现在使用它</translation>
    </message>
    <message>
        <source>The checkpoint was not loaded. {message}</source>
        <translation>检查点没有载入。{message}</translation>
    </message>
</context>
</TS>
