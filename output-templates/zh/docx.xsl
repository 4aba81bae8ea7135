<?xml version="1.0" encoding="UTF-8"?>
<!--
  docx.xsl (zh) — lays the intermediate summary (urn:canvass:summary:1,
  written by summary.xsl) out as the body of word/document.xml.

  Only paragraph and character style names are set here; what the styles
  look like (fonts, sizes, indents, the GB/T 9704 page) comes from
  reference.docx, whose parts canvass copies into every summary.docx. The
  final w:sectPr (page set-up, footers with page numbers) is taken from
  reference.docx's own document.xml, so none is written here.

  Styles used: Title, Heading1..Heading4, Normal (default), Signature,
  Date; character styles Lead1..Lead4 for run-in headings.
  Every run carries w:rFonts w:hint="eastAsia", so that characters shared
  by Latin and Chinese text (“ ” — …) are set in the Chinese face.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:s="urn:canvass:summary:1"
    xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    exclude-result-prefixes="s">

  <xsl:output method="xml" encoding="UTF-8" standalone="yes" indent="no"/>

  <xsl:template match="/s:summary">
    <w:document>
      <w:body>
        <xsl:apply-templates select="*"/>
      </w:body>
    </w:document>
  </xsl:template>

  <xsl:template match="s:title">
    <w:p>
      <w:pPr><w:pStyle w:val="Title"/></w:pPr>
      <xsl:for-each select="node()">
        <xsl:choose>
          <xsl:when test="self::s:br"><w:r><w:br/></w:r></xsl:when>
          <xsl:otherwise><xsl:call-template name="run"/></xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </w:p>
  </xsl:template>

  <xsl:template match="s:h">
    <w:p>
      <w:pPr><w:pStyle w:val="Heading{@level}"/></w:pPr>
      <xsl:call-template name="run"/>
    </w:p>
  </xsl:template>

  <xsl:template match="s:p">
    <w:p>
      <xsl:for-each select="s:lead">
        <xsl:call-template name="run">
          <xsl:with-param name="style" select="concat('Lead', @level)"/>
        </xsl:call-template>
      </xsl:for-each>
      <xsl:for-each select="text()">
        <xsl:call-template name="run"/>
      </xsl:for-each>
    </w:p>
  </xsl:template>

  <!-- The signing block of GB/T 9704-2012 7.3.5.2: the unit one line
       below the text, 右空二字; the date on the next line, its first
       character two characters right of the unit's first; a date longer
       than that would allow ends two characters from the margin and the
       unit moves left to keep the two-character step. Widths in
       characters: a CJK character 1, a digit or Latin letter ½. -->
  <xsl:template match="s:signature">
    <xsl:variable name="u">
      <xsl:call-template name="width"><xsl:with-param name="s" select="string(s:unit)"/></xsl:call-template>
    </xsl:variable>
    <xsl:variable name="d">
      <xsl:call-template name="width"><xsl:with-param name="s" select="string(s:date)"/></xsl:call-template>
    </xsl:variable>
    <!-- right indents, in characters -->
    <xsl:variable name="rd">
      <xsl:choose>
        <xsl:when test="not(s:unit) or $u - $d &lt; 2">2</xsl:when>
        <xsl:otherwise><xsl:value-of select="$u - $d"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="ru" select="$rd + $d + 2 - $u"/>
    <xsl:for-each select="s:unit">
      <w:p>
        <w:pPr>
          <w:pStyle w:val="Signature"/>
          <xsl:call-template name="right-indent"><xsl:with-param name="chars" select="$ru"/></xsl:call-template>
        </w:pPr>
        <xsl:call-template name="run"/>
      </w:p>
    </xsl:for-each>
    <xsl:for-each select="s:date">
      <w:p>
        <w:pPr>
          <w:pStyle w:val="Date"/>
          <!-- with no signing unit, the date keeps the line above it -->
          <xsl:if test="not(../s:unit)"><w:spacing w:beforeLines="100" w:before="579"/></xsl:if>
          <xsl:call-template name="right-indent"><xsl:with-param name="chars" select="$rd"/></xsl:call-template>
        </w:pPr>
        <xsl:call-template name="run"/>
      </w:p>
    </xsl:for-each>
  </xsl:template>

  <!-- w:ind of CHARS characters from the right margin (a 3号 character
       is 16 pt = 320 twips, less the style's 0.25 pt of tightening) -->
  <xsl:template name="right-indent">
    <xsl:param name="chars"/>
    <w:ind w:rightChars="{round($chars * 100)}" w:right="{round($chars * 315)}"
           w:firstLineChars="0" w:firstLine="0"/>
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

  <!-- One run holding the string value of the context node. -->
  <xsl:template name="run">
    <xsl:param name="style" select="''"/>
    <w:r>
      <w:rPr>
        <xsl:if test="$style != ''"><w:rStyle w:val="{$style}"/></xsl:if>
        <w:rFonts w:hint="eastAsia"/>
      </w:rPr>
      <w:t xml:space="preserve"><xsl:value-of select="."/></w:t>
    </w:r>
  </xsl:template>
</xsl:stylesheet>
