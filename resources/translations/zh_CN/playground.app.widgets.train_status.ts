<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>TrainStatus</name>
    <message>
        <source>step {step} of {target}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tokens/s:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Elapsed:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remaining:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
