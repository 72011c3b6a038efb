<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>SelfTest</name>
    <message>
        <source>the app&apos;s icons cannot be drawn (resources or Qt&apos;s SVG plugin are missing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>training ended as &apos;{state}&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;{stage}&apos; did not finish in {seconds} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>playground self-test FAILED: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>training recorded {n} of {steps} steps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>playground self-test passed: {version}, torch {torch}, window {window} s, ready {ready} s, trained {task} {steps} steps (loss {first} -&gt; {last}) in {train} s, generated {chars} characters in {generate} s, traced {stages} stages in {inspect} s; total {total} s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
