<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>FontCheck</name>
    <message>
        <source>Chinese text is drawn as boxes: no font on this computer has Chinese characters (&quot;{sample}&quot;: {ink} pixels of ink, {width} px wide; a missing glyph: {box_ink} pixels, {box_width} px). Install a Chinese font, e.g. on Debian or Ubuntu: sudo apt install {package}</source>
        <translation>中文显示成了方框：这台电脑上没有包含汉字的字体（“{sample}”：{ink} 个着墨像素，宽 {width} px；缺字方框：{box_ink} 个像素，宽 {box_width} px）。请安装中文字体，例如在 Debian 或 Ubuntu 上运行：sudo apt install {package}</translation>
    </message>
</context>
</TS>
