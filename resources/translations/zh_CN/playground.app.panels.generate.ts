<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>GeneratePanel</name>
    <message>
        <source>Generate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample text from the model, token by token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generate from the prompt (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop generating</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The generated tokens appear here, tinted by their probability.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The start of a text for the model to continue (empty: a new line)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The input of the task, e.g. abcdef</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Random held-out example</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A source the model never saw in training, with its expected answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>probability: low</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>high</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alternatives</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Point at a token to see the tokens it beat.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Probability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a dataset in the Data panel first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>⚠ Untrained model: its weights are random, so its output is random tokens. Train it in the Train panel first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model trained for 1 step.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model trained for {n} steps.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a held-out example: no expected answer to compare with.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expected: {target}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✓ the model&apos;s answer matches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✗ the model&apos;s answer differs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generation failed: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No tokens generated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} tokens from the weights at step {step}; mean probability {p}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; ended with &lt;eos&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Position {pos}: chose “{token}” with probability {p}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
