<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CompareWindow</name>
    <message>
        <source>LSTM (a recurrent network)</source>
        <translation>LSTM（循环网络）</translation>
    </message>
    <message>
        <source>The seed&apos;s embedding → LSTM → linear model instead of the Transformer</source>
        <translation>用原文的 嵌入层 → LSTM → 线性层 模型代替 Transformer</translation>
    </message>
    <message>
        <source>LSTM</source>
        <translation>LSTM</translation>
    </message>
    <message>
        <source>Transformer</source>
        <translation>Transformer</translation>
    </message>
    <message>
        <source>The Transformer instead of the LSTM</source>
        <translation>用 Transformer 代替 LSTM</translation>
    </message>
    <message>
        <source>Learned positions</source>
        <translation>可学习的位置编码</translation>
    </message>
    <message>
        <source>A learned vector per position, added to the token&apos;s</source>
        <translation>每个位置一个可学习的向量，加到词元的嵌入上</translation>
    </message>
    <message>
        <source>learned positions</source>
        <translation>可学习位置编码</translation>
    </message>
    <message>
        <source>Sinusoidal positions</source>
        <translation>正弦位置编码</translation>
    </message>
    <message>
        <source>Fixed sines and cosines per position, as in the 2017 paper</source>
        <translation>每个位置固定的正弦和余弦值，与 2017 年的论文相同</translation>
    </message>
    <message>
        <source>sinusoidal positions</source>
        <translation>正弦位置编码</translation>
    </message>
    <message>
        <source>RoPE positions</source>
        <translation>RoPE 旋转位置编码</translation>
    </message>
    <message>
        <source>Queries and keys rotated by their position</source>
        <translation>查询和键按各自的位置旋转</translation>
    </message>
    <message>
        <source>RoPE</source>
        <translation>RoPE</translation>
    </message>
    <message>
        <source>Pre-LN</source>
        <translation>前置层归一化（Pre-LN）</translation>
    </message>
    <message>
        <source>LayerNorm before each sub-layer (GPT-2)</source>
        <translation>在每个子层之前做层归一化（GPT-2）</translation>
    </message>
    <message>
        <source>pre-LN</source>
        <translation>前置层归一化</translation>
    </message>
    <message>
        <source>Post-LN</source>
        <translation>后置层归一化（Post-LN）</translation>
    </message>
    <message>
        <source>LayerNorm after each residual sum (the 2017 paper)</source>
        <translation>在每次残差相加之后做层归一化（2017 年的论文）</translation>
    </message>
    <message>
        <source>post-LN</source>
        <translation>后置层归一化</translation>
    </message>
    <message>
        <source>Compare runs</source>
        <translation>对比训练</translation>
    </message>
    <message>
        <source>current run</source>
        <translation>当前训练</translation>
    </message>
    <message>
        <source>Runs (ticked ones are compared)</source>
        <translation>训练记录（勾选的参与对比）</translation>
    </message>
    <message>
        <source>Add run…</source>
        <translation>添加训练…</translation>
    </message>
    <message>
        <source>A run folder written by Train or “playground train” (it holds metrics.jsonl and checkpoints/)</source>
        <translation>由“训练”面板或 “playground train” 写出的训练文件夹（其中有 metrics.jsonl 和 checkpoints/）</translation>
    </message>
    <message>
        <source>Add session…</source>
        <translation>添加会话…</translation>
    </message>
    <message>
        <source>A saved session (.playground): its model and its curves</source>
        <translation>保存的会话（.playground）：其中的模型和曲线</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Take the selected run out of the comparison (its files stay)</source>
        <translation>把选中的运行移出比较（其文件保留）</translation>
    </message>
    <message>
        <source>Run the same data with another model</source>
        <translation>用另一个模型训练同样的数据</translation>
    </message>
    <message>
        <source>Trains a second model on the very same task, tokenizer, seed and training settings, with one change, and adds it to the comparison</source>
        <translation>在完全相同的任务、分词器、随机种子和训练设置上训练第二个模型，只改动一处，训练时就加入对比</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>step %v of %m</source>
        <translation>第 %v 步，共 %m 步</translation>
    </message>
    <message>
        <source>By step</source>
        <translation>按步数</translation>
    </message>
    <message>
        <source>By training time</source>
        <translation>按训练时间</translation>
    </message>
    <message>
        <source>Curves against the step, or against the seconds spent training</source>
        <translation>曲线的横轴用步数，或用已花费的训练秒数</translation>
    </message>
    <message>
        <source>x axis</source>
        <translation>横轴</translation>
    </message>
    <message>
        <source>Compared runs, curves</source>
        <translation>训练对比 - 曲线</translation>
    </message>
    <message>
        <source>Compared runs, figures</source>
        <translation>训练对比 - 数值</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>曲线</translation>
    </message>
    <message>
        <source>Figures</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>生成样例</translation>
    </message>
    <message>
        <source>Add a run folder</source>
        <translation>添加训练文件夹</translation>
    </message>
    <message>
        <source>Add a session</source>
        <translation>添加会话</translation>
    </message>
    <message>
        <source>Sessions (*.playground);;All files (*)</source>
        <translation>会话 (*.playground);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Settings that differ: {list}</source>
        <translation>不同的设置：{list}</translation>
    </message>
    <message>
        <source>Tick two or more runs to compare them.</source>
        <translation>勾选两次或更多训练即可对比。</translation>
    </message>
    <message>
        <source>The runs have the same settings.</source>
        <translation>这些训练的设置相同。</translation>
    </message>
    <message>
        <source>The current run stays in the list: untick it to leave it out</source>
        <translation>当前运行始终留在列表中：取消勾选即可不参与比较</translation>
    </message>
    <message>
        <source>{change} (same data)</source>
        <translation>{change}（同样的数据）</translation>
    </message>
    <message>
        <source>Training the other model failed: {message}</source>
        <translation>训练另一个模型失败：{message}</translation>
    </message>
</context>
</TS>
