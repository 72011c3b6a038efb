<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>LessonPane</name>
    <message>
        <source>Running: {action}</source>
        <translation>正在运行：{action}</translation>
    </message>
    <message>
        <source>The language of the lessons</source>
        <translation>课程的语言</translation>
    </message>
    <message>
        <source>The built-in lessons</source>
        <translation>内置课程</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Open a lesson file of your own (Markdown)</source>
        <translation>打开你自己的课程文件（Markdown）</translation>
    </message>
    <message>
        <source>Reveal the answer</source>
        <translation>显示答案</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>◀ Back</source>
        <translation>◀ 上一步</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一步 ▶</translation>
    </message>
    <message>
        <source>Run the step again</source>
        <translation>重新运行这一步</translation>
    </message>
    <message>
        <source>Choose a lesson…</source>
        <translation>选择一节课…</translation>
    </message>
    <message>
        <source>{title} ({minutes} min)</source>
        <translation>{title}（{minutes} 分钟）</translation>
    </message>
    <message>
        <source>Open a lesson</source>
        <translation>打开课程</translation>
    </message>
    <message>
        <source>Lessons (*.md);;All files (*)</source>
        <translation>课程 (*.md);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The panels are still loading; open the lesson again in a moment.</source>
        <translation>面板仍在加载；请稍后再打开课程。</translation>
    </message>
    <message>
        <source>Step {n} of {total}</source>
        <translation>第 {n} 步，共 {total} 步</translation>
    </message>
    <message>
        <source>Predict: {question}</source>
        <translation>先预测：{question}</translation>
    </message>
    <message>
        <source>This step could not be shown: {message}</source>
        <translation>无法显示这一步：{message}</translation>
    </message>
    <message>
        <source>(no label)</source>
        <translation>（不是标签）</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F1 值</translation>
    </message>
    <message>
        <source>Accuracy {acc} on {n} held-out examples. Rows: the true label; columns: the model&apos;s answer.</source>
        <translation>在 {n} 个留出样例上的准确率为 {acc}。行：真实标签；列：模型的回答。</translation>
    </message>
    <message>
        <source>greedy</source>
        <translation>贪心</translation>
    </message>
</context>
</TS>
