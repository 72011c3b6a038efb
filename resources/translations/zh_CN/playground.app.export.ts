<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ViewExporter</name>
    <message>
        <source>Loss curves</source>
        <translation>损失曲线</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>模型结构</translation>
    </message>
    <message>
        <source>Generated text</source>
        <translation>生成的文本</translation>
    </message>
    <message>
        <source>Next token</source>
        <translation>下一个词元</translation>
    </message>
    <message>
        <source>Embedding map</source>
        <translation>嵌入分布图</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>View</source>
        <translation>视图</translation>
    </message>
    <message>
        <source>This view has no size yet: show it, then export it.</source>
        <translation>这个视图还没有尺寸：请先显示它，再导出。</translation>
    </message>
    <message>
        <source>This view shows nothing yet: train the model first (Start), then export it.</source>
        <translation>这个视图还什么都没有显示：请先训练模型（开始），再导出。</translation>
    </message>
    <message>
        <source>This view shows nothing yet: type a text to tokenize first (and train this tokenizer if it asks), then export it.</source>
        <translation>这个视图还什么都没有显示：请先输入要分词的文本（如果提示需要，再训练这个分词器），然后导出。</translation>
    </message>
    <message>
        <source>This view shows nothing yet: trace an input first (Trace), then export it.</source>
        <translation>这个视图还什么都没有显示：请先追踪一段输入（追踪），再导出。</translation>
    </message>
    <message>
        <source>This view shows nothing yet: generate a text first (Generate), then export it.</source>
        <translation>这个视图还什么都没有显示：请先生成一段文本（生成），再导出。</translation>
    </message>
    <message>
        <source>This view shows nothing yet: train, tokenize or trace something first.</source>
        <translation>这个视图还什么都没有显示：请先训练、分词或追踪一段输入。</translation>
    </message>
    <message>
        <source>Save as PNG (2× size)…</source>
        <translation>保存为 PNG（2 倍尺寸）…</translation>
    </message>
    <message>
        <source>Save as SVG…</source>
        <translation>保存为 SVG…</translation>
    </message>
    <message>
        <source>Copy image</source>
        <translation>复制图像</translation>
    </message>
    <message>
        <source>Save the numbers as CSV…</source>
        <translation>将数据保存为 CSV…</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>SVG drawing (*.svg)</source>
        <translation>SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Export the view</source>
        <translation>导出视图</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>Export the view under the mouse…</source>
        <translation>导出鼠标下的视图…</translation>
    </message>
    <message>
        <source>Point at a plot, heatmap or diagram, then press {key} to export it.</source>
        <translation>请把鼠标指向一张曲线图、热力图或结构图，再按 {key} 导出。</translation>
    </message>
</context>
</TS>
