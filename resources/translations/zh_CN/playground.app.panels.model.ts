<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ModelPanel</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Shape the Transformer: layers, heads, width, and see it drawn</source>
        <translation>设计 Transformer：层数、注意力头、宽度，并查看结构图</translation>
    </message>
    <message>
        <source>&lt;b&gt;Architecture&lt;/b&gt; — drawn from the modules of the built model; B is the batch, T the sequence length, S the source length</source>
        <translation>&lt;b&gt;模型结构&lt;/b&gt; — 根据已构建模型的模块绘制；B 是批次大小，T 是序列长度，S 是源序列长度</translation>
    </message>
    <message>
        <source>Choose a preset…</source>
        <translation>选择预设…</translation>
    </message>
    <message>
        <source>Tiny — trains in a minute</source>
        <translation>微型 — 一分钟训练完</translation>
    </message>
    <message>
        <source>Small</source>
        <translation>小型</translation>
    </message>
    <message>
        <source>The dataset&apos;s default</source>
        <translation>数据集的默认设置</translation>
    </message>
    <message>
        <source>Transformer</source>
        <translation>Transformer</translation>
    </message>
    <message>
        <source>LSTM (a recurrent network)</source>
        <translation>LSTM（循环网络）</translation>
    </message>
    <message>
        <source>Decoder-only (GPT)</source>
        <translation>仅解码器（GPT）</translation>
    </message>
    <message>
        <source>Encoder-decoder (2017 Transformer)</source>
        <translation>编码器-解码器（2017 年 Transformer）</translation>
    </message>
    <message>
        <source>Decoder layers (and encoder layers, unless set below)</source>
        <translation>解码器层数（下方未单独设置时，也是编码器层数）</translation>
    </message>
    <message>
        <source>Encoder layers of an encoder-decoder model</source>
        <translation>编码器-解码器模型的编码器层数</translation>
    </message>
    <message>
        <source>Attention heads per layer; the width must divide by it</source>
        <translation>每层的注意力头数；宽度必须能被它整除</translation>
    </message>
    <message>
        <source>Width of the residual stream (d_model)</source>
        <translation>残差流的宽度（d_model）</translation>
    </message>
    <message>
        <source>Hidden width of the feed-forward network</source>
        <translation>前馈网络隐藏层的宽度</translation>
    </message>
    <message>
        <source>Hidden size (h and c) of each LSTM layer</source>
        <translation>每层 LSTM 的隐藏状态大小（h 和 c）</translation>
    </message>
    <message>
        <source>Longest sequence the model sees at once</source>
        <translation>模型一次能看到的最长序列</translation>
    </message>
    <message>
        <source>Pre-LN (GPT-2)</source>
        <translation>前置 LN（GPT-2）</translation>
    </message>
    <message>
        <source>Post-LN (2017)</source>
        <translation>后置 LN（2017）</translation>
    </message>
    <message>
        <source>Learned</source>
        <translation>可学习</translation>
    </message>
    <message>
        <source>Sinusoidal</source>
        <translation>正弦</translation>
    </message>
    <message>
        <source>Rotary (RoPE)</source>
        <translation>旋转（RoPE）</translation>
    </message>
    <message>
        <source>same as decoder</source>
        <translation>同解码器</translation>
    </message>
    <message>
        <source>same as width</source>
        <translation>同宽度</translation>
    </message>
    <message>
        <source>LM head shares the token embedding</source>
        <translation>LM 头与词元嵌入共享权重</translation>
    </message>
    <message>
        <source>Biases in linear layers and norms</source>
        <translation>线性层和归一化层带偏置</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>Model family</source>
        <translation>模型家族</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>结构</translation>
    </message>
    <message>
        <source>Decoder layers</source>
        <translation>解码器层数</translation>
    </message>
    <message>
        <source>Encoder layers</source>
        <translation>编码器层数</translation>
    </message>
    <message>
        <source>Heads</source>
        <translation>注意力头数</translation>
    </message>
    <message>
        <source>Width (d_model)</source>
        <translation>宽度（d_model）</translation>
    </message>
    <message>
        <source>Feed-forward width</source>
        <translation>前馈网络宽度</translation>
    </message>
    <message>
        <source>LSTM hidden size</source>
        <translation>LSTM 隐藏大小</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation>Dropout 率</translation>
    </message>
    <message>
        <source>Activation</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>Normalisation</source>
        <translation>归一化</translation>
    </message>
    <message>
        <source>Positions</source>
        <translation>位置编码</translation>
    </message>
    <message>
        <source>Tied weights</source>
        <translation>权重共享</translation>
    </message>
    <message>
        <source>Biases</source>
        <translation>偏置</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>词表</translation>
    </message>
    <message>
        <source>Size and cost</source>
        <translation>规模与开销</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>FLOPs per token (training)</source>
        <translation>每个词元的 FLOPs（训练）</translation>
    </message>
    <message>
        <source>Training memory (estimate)</source>
        <translation>训练内存（估计）</translation>
    </message>
    <message>
        <source>{n} tokens ({tokenizer})</source>
        <translation>{n} 个词元（{tokenizer}）</translation>
    </message>
    <message>
        <source>{exact}  ({short})</source>
        <translation>{exact}（{short}）</translation>
    </message>
    <message>
        <source>weights {w}, gradients {g}, optimizer {o}, activations {a} (batch {b})</source>
        <translation>权重 {w}，梯度 {g}，优化器 {o}，激活值 {a}（批次大小 {b}）</translation>
    </message>
    <message>
        <source>LSTM layers</source>
        <translation>LSTM 层数</translation>
    </message>
    <message>
        <source>Stop training to change the model</source>
        <translation>停止训练后才能修改模型</translation>
    </message>
    <message>
        <source>These are the settings of the pretrained model from {name}: it was trained elsewhere, and they cannot be changed here. To train a model of your own, choose a dataset or open a text file in Data.</source>
        <translation>这是来自 {name} 的预训练模型的设置：它在别处训练好，这里不能修改。要训练你自己的模型，请在“数据”面板中选择数据集或打开文本文件。</translation>
    </message>
</context>
</TS>
