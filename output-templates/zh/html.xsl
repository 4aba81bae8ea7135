<?xml version="1.0" encoding="UTF-8"?>
<!--
  html.xsl (zh) — lays the intermediate summary (urn:canvass:summary:1,
  written by summary.xsl) out as one printable HTML page: UTF-8, lang
  zh-CN, the title as h1, headings of level N as h(N+1), run-in headings
  as spans, the signing unit and date right-aligned.

  The print style sheet follows GB/T 9704-2012 like reference.docx: A4,
  margins 37 mm (top), 35 mm (bottom), 28 mm (left, binding side) and
  26 mm (right); 3号 (16 pt) 仿宋 body on a 225 mm / 22-line grid; 2号
  (22 pt) 小标宋 title; 黑体, 楷体 and bold 仿宋 headings. Each face lists
  the names Windows, macOS and Linux give it, then a generic family.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:s="urn:canvass:summary:1"
    exclude-result-prefixes="s">

  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <xsl:template match="/s:summary">
    <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
    <html lang="zh-CN">
      <head>
        <meta charset="UTF-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="canvass"/>
        <title><xsl:value-of select="s:title"/></title>
        <style>
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
/* page numbers as GB/T 9704 has them: — 1 —, 4号 宋体, right on odd pages,
   left on even ones, 7 mm below the text block */
@page :right {
  @bottom-right { content: "— " counter(page) " —"; vertical-align: top; padding-top: 7mm; margin-right: 1em;
                  font-family: "宋体", SimSun, "Noto Serif CJK SC", serif; font-size: 14pt; }
}
@page :left {
  @bottom-left { content: "— " counter(page) " —"; vertical-align: top; padding-top: 7mm; margin-left: 1em;
                 font-family: "宋体", SimSun, "Noto Serif CJK SC", serif; font-size: 14pt; }
}
html { background: #eee; }
body {
  margin: 0;
  font-family: "仿宋", FangSong, "仿宋_GB2312", FangSong_GB2312, STFangsong, "Noto Serif CJK SC", "Source Han Serif SC", serif;
  font-size: 16pt;
  letter-spacing: -0.25pt; /* 28 characters in the 156 mm line */
  line-height: 28.95pt; /* 225 mm / 22 lines */
  color: #000;
}
main {
  box-sizing: content-box;
  width: 156mm;
  min-height: 225mm;
  margin: 10mm auto;
  padding: 37mm 26mm 35mm 28mm;
  background: #fff;
  box-shadow: 0 0 4mm rgba(0, 0, 0, 0.2);
}
h1, h2, h3, h4, h5, p { margin: 0; font-size: 16pt; font-weight: normal; }
h1.title {
  font-family: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "小标宋", "宋体", SimSun, STSong, "Noto Serif CJK SC", "Source Han Serif SC", serif;
  font-size: 22pt;
  line-height: 1.5;
  text-align: center;
  margin-bottom: 28.95pt;
}
p, h2, h3, h4, h5 { text-indent: 2em; text-align: justify; }
h2, .lead-1 { font-family: "黑体", SimHei, STHeiti, "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; }
h3, .lead-2 { font-family: "楷体", KaiTi, "楷体_GB2312", KaiTi_GB2312, STKaiti, "AR PL UKai CN", serif; }
h4, h5, .lead-3, .lead-4 { font-weight: bold; }
.signature { margin-top: 28.95pt; } /* one blank line below the text */
.signature p { text-indent: 0; text-align: right; padding-right: 2em; }
@media print {
  html { background: none; }
  main { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
}
</style>
      </head>
      <body>
        <main>
          <xsl:apply-templates select="*"/>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="s:title">
    <h1 class="title">
      <xsl:for-each select="node()">
        <xsl:choose>
          <xsl:when test="self::s:br"><br/></xsl:when>
          <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </h1>
  </xsl:template>

  <xsl:template match="s:h">
    <xsl:element name="h{@level + 1}">
      <xsl:value-of select="."/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="s:p">
    <p>
      <xsl:for-each select="s:lead">
        <span class="lead lead-{@level}"><xsl:value-of select="."/></span>
      </xsl:for-each>
      <xsl:for-each select="text()"><xsl:value-of select="."/></xsl:for-each>
    </p>
  </xsl:template>

  <!-- GB/T 9704-2012 7.3.5.2, as in docx.xsl: the unit 右空二字, the date
       on the next line starting two characters further right; a longer
       date ends two characters from the margin and the unit moves left. -->
  <xsl:template match="s:signature">
    <xsl:variable name="u">
      <xsl:call-template name="width"><xsl:with-param name="s" select="string(s:unit)"/></xsl:call-template>
    </xsl:variable>
    <xsl:variable name="d">
      <xsl:call-template name="width"><xsl:with-param name="s" select="string(s:date)"/></xsl:call-template>
    </xsl:variable>
    <xsl:variable name="rd">
      <xsl:choose>
        <xsl:when test="not(s:unit) or $u - $d &lt; 2">2</xsl:when>
        <xsl:otherwise><xsl:value-of select="$u - $d"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <div class="signature">
      <xsl:for-each select="s:unit"><p class="unit" style="padding-right: {$rd + $d + 2 - $u}em"><xsl:value-of select="."/></p></xsl:for-each>
      <xsl:for-each select="s:date"><p class="date" style="padding-right: {$rd}em"><xsl:value-of select="."/></p></xsl:for-each>
    </div>
  </xsl:template>

  <!-- The width of S in characters: CJK 1, ASCII ½, and ⅕ for each
       change between the two (Word, WPS and LibreOffice space Chinese
       apart from digits and Latin letters): 2011年11月10日 is 8. -->
  <xsl:template name="width">
    <xsl:param name="s"/>
    <xsl:variable name="wide" select="string-length(translate($s, $ascii, ''))"/>
    <xsl:variable name="changes">
      <xsl:call-template name="changes"><xsl:with-param name="s" select="$s"/></xsl:call-template>
    </xsl:variable>
    <xsl:value-of select="$wide + (string-length($s) - $wide) div 2 + $changes div 5"/>
  </xsl:template>

  <xsl:variable name="ascii" select="'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz .,-()'"/>

  <!-- How many times S changes between ASCII and CJK characters. -->
  <xsl:template name="changes">
    <xsl:param name="s"/>
    <xsl:param name="n" select="0"/>
    <xsl:choose>
      <xsl:when test="string-length($s) &lt; 2"><xsl:value-of select="$n"/></xsl:when>
      <xsl:otherwise>
        <xsl:variable name="a" select="translate(substring($s, 1, 1), $ascii, '') = ''"/>
        <xsl:variable name="b" select="translate(substring($s, 2, 1), $ascii, '') = ''"/>
        <xsl:call-template name="changes">
          <xsl:with-param name="s" select="substring($s, 2)"/>
          <xsl:with-param name="n" select="$n + number($a != $b)"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
