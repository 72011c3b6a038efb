<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BackwardDetail</name>
    <message>
        <source>Loss per position</source>
        <translation>每个位置的损失</translation>
    </message>
    <message>
        <source>∂L/∂logits</source>
        <translation>∂L/∂logits</translation>
    </message>
    <message>
        <source>A beside ∂L/∂A</source>
        <translation>A 与 ∂L/∂A 对照</translation>
    </message>
    <message>
        <source>Gradient norms</source>
        <translation>梯度范数</translation>
    </message>
    <message>
        <source>Optimizer step</source>
        <translation>优化器更新</translation>
    </message>
    <message>
        <source>Loss on this example: {before} before the step, {after} after it.</source>
        <translation>这条样例的损失：更新前 {before}，更新后 {after}。</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>p(target)</source>
        <translation>p(目标)</translation>
    </message>
    <message>
        <source>before</source>
        <translation>更新前</translation>
    </message>
    <message>
        <source>after</source>
        <translation>更新后</translation>
    </message>
    <message>
        <source>Position {pos} “{token}” has no target: no loss is taken there.</source>
        <translation>位置 {pos}“{token}”没有目标：这里不计算损失。</translation>
    </message>
    <message>
        <source>Position {pos} “{token}”, target “{target}”: ∂L/∂z = (p − y)/{n}, the loss being a mean over {n} positions.</source>
        <translation>位置 {pos}“{token}”，目标“{target}”：∂L/∂z = (p − y)/{n}，因为损失是 {n} 个位置的平均值。</translation>
    </message>
    <message>
        <source>Position {pos} “{token}” has no target: no loss is taken there, its gradient is 0.</source>
        <translation>位置 {pos}“{token}”没有目标：这里不计算损失，梯度为 0。</translation>
    </message>
    <message>
        <source>Each column has its own colour scale: its largest value is drawn darkest.</source>
        <translation>每一列有各自的色标：该列最大的值颜色最深。</translation>
    </message>
    <message>
        <source>value at ({row}, {col}) = {v}</source>
        <translation>({row}, {col}) 处的值 = {v}</translation>
    </message>
    <message>
        <source>, </source>
        <comment>between axis names</comment>
        <translation>，</translation>
    </message>
    <message>
        <source>forward value there = {v}</source>
        <translation>前向传播在此处的值 = {v}</translation>
    </message>
</context>
</TS>
