<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>InspectPanel</name>
    <message>
        <source>Inspect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step through the model stage by stage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch heads off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text to trace, e.g. the cat sees</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Output so far</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional: the start of the answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run one forward pass on a snapshot of the weights and record every stage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Append the model&apos;s most likely next token and trace again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh while training, every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The previous stage (Left arrow)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The next stage (Right arrow)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type an input and press Trace.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a dataset in the Data panel first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tracing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} stages recorded from the weights at step {step}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tracing failed: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stage {i} of {n} ·</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source: {title}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The context is full: no token can follow.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model ended the output with &lt;eos&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The model&apos;s next tokens are bytes that make no character, which text cannot hold: train the model more, or type the next character.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All heads on — next token: {top}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All heads on — greedy output: {text}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Heads switched off: {n} — next token: {top}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With heads off — greedy output: {text}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Largest change of a logit: {d}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
