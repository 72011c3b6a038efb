<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>TrainPanel</name>
    <message>
        <source>Train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train the model and watch the loss fall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start training (F5); another press continues where it stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause training after the current step, or resume it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop training after the current step (Shift+F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No evaluation yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the loss on a logarithmic axis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep this curve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the current curves, dashed, to compare with the next run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare with a run…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Draw the curves of a saved run (its metrics.jsonl), dashed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear comparisons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep this curve, compare with a saved run, clear comparisons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training diverged: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training diverged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>diverged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training failed: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Diverged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At step {step}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The checkpoint was not saved: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>run {n} (peak lr {lr})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare with a run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training records (metrics.jsonl);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
