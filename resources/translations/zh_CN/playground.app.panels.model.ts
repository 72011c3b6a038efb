<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ModelPanel</name>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shape the Transformer: layers, heads, width, and see it drawn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Architecture&lt;/b&gt; — drawn from the modules of the built model; B is the batch, T the sequence length, S the source length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a preset…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiny — trains in a minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Small</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The dataset&apos;s default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decoder-only (GPT)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Encoder-decoder (2017 Transformer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decoder layers (and encoder layers, unless set below)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Encoder layers of an encoder-decoder model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attention heads per layer; the width must divide by it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Width of the residual stream (d_model)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hidden width of the feed-forward network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest sequence the model sees at once</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pre-LN (GPT-2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Post-LN (2017)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Learned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sinusoidal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rotary (RoPE)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>same as decoder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LM head shares the token embedding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Biases in linear layers and norms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decoder layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Encoder layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Width (d_model)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feed-forward width</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Context length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dropout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Normalisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Positions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tied weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Biases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size and cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FLOPs per token (training)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training memory (estimate)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} tokens ({kind} tokenizer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{exact}  ({short})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>weights {w}, gradients {g}, optimizer {o}, activations {a} (batch {b})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop training to change the model</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
