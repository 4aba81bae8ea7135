<?xml version="1.0" encoding="UTF-8"?>
<!--
  html.xsl (en) — lays the intermediate summary (urn:canvass:summary:1,
  written by summary.xsl) out as one printable HTML page: UTF-8, lang
  en, the title as h1, headings of level N as h(N+1), run-in headings
  as spans, the signing unit and date right-aligned.

  The print style sheet has the page of reference.docx: A4, margins 37 mm
  (top), 35 mm (bottom), 28 mm (left, binding side) and 26 mm (right)
  after GB/T 9704-2012; Times New Roman 14 pt, with Chinese faces after
  it for the names of communities and streets.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:s="urn:canvass:summary:1"
    exclude-result-prefixes="s">

  <xsl:output method="xml" encoding="UTF-8" omit-xml-declaration="yes" indent="no"/>

  <xsl:template match="/s:summary">
    <xsl:text disable-output-escaping="yes">&lt;!DOCTYPE html&gt;&#10;</xsl:text>
    <html lang="en">
      <head>
        <meta charset="UTF-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="canvass"/>
        <title><xsl:value-of select="s:title"/></title>
        <style>
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
@page :right { @bottom-right { content: counter(page); vertical-align: top; padding-top: 7mm; font-size: 12pt; } }
@page :left { @bottom-left { content: counter(page); vertical-align: top; padding-top: 7mm; font-size: 12pt; } }
html { background: #eee; }
body {
  margin: 0;
  font-family: "Times New Roman", Times, "Liberation Serif", "Noto Serif", "宋体", SimSun, "Noto Serif CJK SC", serif;
  font-size: 14pt;
  line-height: 24pt;
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
h1, h2, h3, h4, h5, p { margin: 0; font-size: 14pt; font-weight: normal; }
h1.title {
  font-size: 20pt;
  font-weight: bold;
  line-height: 1.5;
  text-align: center;
  margin-bottom: 24pt;
}
p, h3, h4, h5 { text-indent: 10mm; text-align: left; }
h2 { margin-top: 12pt; }
h2, h3, h4, .lead-1, .lead-2, .lead-3 { font-weight: bold; }
h3, h5, .lead-2, .lead-4 { font-style: italic; }
.signature { margin-top: 48pt; }
.signature p { text-indent: 0; text-align: right; padding-right: 20mm; }
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

  <xsl:template match="s:signature">
    <div class="signature">
      <xsl:for-each select="s:unit"><p class="unit"><xsl:value-of select="."/></p></xsl:for-each>
      <xsl:for-each select="s:date"><p class="date"><xsl:value-of select="."/></p></xsl:for-each>
    </div>
  </xsl:template>
</xsl:stylesheet>
