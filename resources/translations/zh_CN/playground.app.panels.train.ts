<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>TrainPanel</name>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Train the model and watch the loss fall</source>
        <translation>训练模型，看着损失下降</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Start training (F5); another press continues where it stopped</source>
        <translation>开始训练（F5）；再按一次，从停下的地方继续</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause training after the current step, or resume it</source>
        <translation>在当前这一步之后暂停训练，或继续训练</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop training after the current step (Shift+F5)</source>
        <translation>在当前这一步之后停止训练（Shift+F5）</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>No evaluation yet</source>
        <translation>尚未评估</translation>
    </message>
    <message>
        <source>Loss, Health and Evaluation show this window&apos;s own model, not the watched run: that run&apos;s curves, health and evaluation are in the Watched run tab.</source>
        <translation>“损失”“健康”和“评估”显示的是本窗口自己的模型，不是所监视的运行：那次运行的曲线、健康状况和评估都在“监视的运行”标签页里。</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>对数坐标</translation>
    </message>
    <message>
        <source>Show the loss on a logarithmic axis</source>
        <translation>用对数坐标轴显示损失</translation>
    </message>
    <message>
        <source>Keep this curve</source>
        <translation>保留这条曲线</translation>
    </message>
    <message>
        <source>Keep the current curves, dashed, to compare with the next run</source>
        <translation>把当前曲线保留为虚线，与下一次训练对比</translation>
    </message>
    <message>
        <source>Compare with a run…</source>
        <translation>与已保存的训练对比…</translation>
    </message>
    <message>
        <source>Draw the curves of a saved run (its metrics.jsonl), dashed</source>
        <translation>以虚线画出一次已保存训练的曲线（读取它的 metrics.jsonl）</translation>
    </message>
    <message>
        <source>Clear comparisons</source>
        <translation>清除对比曲线</translation>
    </message>
    <message>
        <source>Compare runs side by side…</source>
        <translation>并排对比多次训练…</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Keep this curve, compare with a saved run, clear comparisons</source>
        <translation>保留这条曲线、与已保存的训练对比、清除对比曲线</translation>
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
        <source>Per layer: gradient norm and update size over steps; attention entropy per head; what looks off, in words</source>
        <translation>逐层显示梯度范数和每步更新幅度随步数的变化；每个注意力头的熵；哪里不对劲，用文字说明</translation>
    </message>
    <message>
        <source>Health ({n})</source>
        <translation>健康（{n}）</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Confusion matrix, precision, recall and F1 of each class</source>
        <translation>混淆矩阵，以及每个类别的精确率、召回率和 F1 值</translation>
    </message>
    <message>
        <source>Training diverged: {message}</source>
        <translation>训练发散：{message}</translation>
    </message>
    <message>
        <source>Training diverged</source>
        <translation>训练发散</translation>
    </message>
    <message>
        <source>diverged</source>
        <translation>发散</translation>
    </message>
    <message>
        <source>Training failed: {message}</source>
        <translation>训练失败：{message}</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练中</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Diverged</source>
        <translation>已发散</translation>
    </message>
    <message>
        <source>At step {step}</source>
        <translation>第 {step} 步时</translation>
    </message>
    <message>
        <source>Settings of this window&apos;s model</source>
        <translation>本窗口模型的设置</translation>
    </message>
    <message>
        <source>Not the watched run&apos;s settings: these are this window&apos;s, for its next Start. Show the Loss tab to change them.</source>
        <translation>这些不是所监视运行的设置，而是本窗口的设置，供下次点“开始”时使用。要修改，请切换到“损失”标签页。</translation>
    </message>
    <message>
        <source>Evaluation of the watched run</source>
        <translation>所监视运行的评估</translation>
    </message>
    <message>
        <source>The checkpoint was not saved: {message}</source>
        <translation>检查点没有保存：{message}</translation>
    </message>
    <message>
        <source>run {n} (peak lr {lr})</source>
        <translation>第 {n} 次（峰值学习率 {lr}）</translation>
    </message>
    <message>
        <source>Compare with a run</source>
        <translation>与已保存的训练对比</translation>
    </message>
    <message>
        <source>Training records (metrics.jsonl);;All files (*)</source>
        <translation>训练记录 (metrics.jsonl);;所有文件 (*)</translation>
    </message>
</context>
</TS>
