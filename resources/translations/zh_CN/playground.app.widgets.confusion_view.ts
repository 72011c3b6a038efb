<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ClassLabels</name>
    <message>
        <source>positive</source>
        <translation>正面</translation>
    </message>
    <message>
        <source>negative</source>
        <translation>负面</translation>
    </message>
    <message>
        <source>sports</source>
        <translation>体育</translation>
    </message>
    <message>
        <source>weather</source>
        <translation>天气</translation>
    </message>
    <message>
        <source>food</source>
        <translation>食物</translation>
    </message>
    <message>
        <source>school</source>
        <translation>学校</translation>
    </message>
</context>
<context>
    <name>ConfusionView</name>
    <message>
        <source>Confusion matrix: a row per true label, a column per answer</source>
        <translation>混淆矩阵：每行是一个真实标签，每列是模型的一种回答</translation>
    </message>
    <message>
        <source>Per class: precision, recall and F1</source>
        <translation>每个类别的精确率、召回率和 F1 值</translation>
    </message>
    <message>
        <source>No evaluation yet: the matrix appears at the first evaluation of a classification task.</source>
        <translation>还没有评估：分类任务第一次评估时，这里会显示混淆矩阵。</translation>
    </message>
    <message>
        <source>Step {step}: accuracy {acc} on {n} held-out examples.</source>
        <translation>第 {step} 步：在 {n} 个留出样例上的准确率为 {acc}。</translation>
    </message>
    <message>
        <source>(no label)</source>
        <translation>（不是标签）</translation>
    </message>
    <message>
        <source>Answers that are no label at all</source>
        <translation>模型的回答不是任何一个标签</translation>
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
        <source>Examples</source>
        <translation>样例数</translation>
    </message>
    <message>
        <source>Macro average</source>
        <translation>宏平均</translation>
    </message>
    <message>
        <source>true label</source>
        <translation>真实标签</translation>
    </message>
    <message>
        <source>precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>examples</source>
        <translation>样例数</translation>
    </message>
    <message>
        <source>macro average</source>
        <translation>宏平均</translation>
    </message>
</context>
</TS>
