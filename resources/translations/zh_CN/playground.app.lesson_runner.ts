<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>LessonRunner</name>
    <message>
        <source>This took too long; try the step again.</source>
        <translation>这一步用时太长；请重新运行这一步。</translation>
    </message>
    <message>
        <source>Line {line} ({action}): {message}</source>
        <translation>第 {line} 行（{action}）：{message}</translation>
    </message>
    <message>
        <source>The window has no {name} panel.</source>
        <translation>窗口中没有 {name} 面板。</translation>
    </message>
    <message>
        <source>No data is loaded: the lesson needs a &gt; dataset line first.</source>
        <translation>尚未加载数据：课程需要先有一行 &gt; dataset。</translation>
    </message>
    <message>
        <source>The data could not be loaded.</source>
        <translation>无法加载数据。</translation>
    </message>
    <message>
        <source>Cleaning applies to a text file: open one with &gt; file first.</source>
        <translation>清洗只适用于文本文件：请先用 &gt; file 打开一个。</translation>
    </message>
    <message>
        <source>The tokenizer could not be trained.</source>
        <translation>无法训练分词器。</translation>
    </message>
    <message>
        <source>Training could not start.</source>
        <translation>无法开始训练。</translation>
    </message>
    <message>
        <source>Training diverged: the model went back to its last good evaluation, at step {step}.</source>
        <translation>训练发散：模型已退回到上一次良好的评估，即第 {step} 步。</translation>
    </message>
    <message>
        <source>Training stopped before its first step.</source>
        <translation>训练在第一步之前就停止了。</translation>
    </message>
    <message>
        <source>Only a source → target task takes the output so far; this data is one text.</source>
        <translation>只有“源 → 目标”任务才接受已有的输出；当前数据是一段文本。</translation>
    </message>
    <message>
        <source>Nothing to trace.</source>
        <translation>没有可跟踪的内容。</translation>
    </message>
    <message>
        <source>Tracing failed.</source>
        <translation>跟踪失败。</translation>
    </message>
    <message>
        <source>Nothing is traced yet: put a &gt; trace line before this one.</source>
        <translation>还没有跟踪任何输入：请在这一行之前加一行 &gt; trace。</translation>
    </message>
    <message>
        <source>This model has no stage {name}; its stages are: {names}</source>
        <translation>这个模型没有阶段 {name}；它的阶段有：{names}</translation>
    </message>
    <message>
        <source>This model has {n} heads: there is no head {head}.</source>
        <translation>这个模型有 {n} 个注意力头：没有第 {head} 个头。</translation>
    </message>
    <message>
        <source>This stage is {rows} × {cols}: it has no cell ({row}, {col}).</source>
        <translation>这个阶段是 {rows} × {cols}：没有格子 ({row}, {col})。</translation>
    </message>
    <message>
        <source>This stage has no “{view}” view: choose another stage first.</source>
        <translation>这个阶段没有“{view}”视图：请先选择另一个阶段。</translation>
    </message>
    <message>
        <source>Nothing was generated.</source>
        <translation>没有生成任何内容。</translation>
    </message>
    <message>
        <source>&gt; evaluate needs a dataset with labels, such as sentiment.</source>
        <translation>&gt; evaluate 需要带标签的数据集，例如 sentiment。</translation>
    </message>
</context>
</TS>
