<?xml version="1.0" encoding="UTF-8"?>
<!--
  docx.xsl (en) — lays the intermediate summary (urn:canvass:summary:1,
  written by summary.xsl) out as the body of word/document.xml.

  Only paragraph and character style names are set here; what the styles
  look like (fonts, sizes, indents, the GB/T 9704 page) comes from
  reference.docx, whose parts canvass copies into every summary.docx. The
  final w:sectPr (page set-up, footers with page numbers) is taken from
  reference.docx's own document.xml, so none is written here.

  Styles used: Title, Heading1..Heading4, Normal (default), Signature,
  Date; character styles Lead1..Lead4 for run-in headings.
  Runs carry no direct formatting: Latin text takes the styles' Latin
  face, Chinese names their w:eastAsia face.
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

  <xsl:template match="s:signature">
    <xsl:for-each select="s:unit">
      <w:p>
        <w:pPr><w:pStyle w:val="Signature"/></w:pPr>
        <xsl:call-template name="run"/>
      </w:p>
    </xsl:for-each>
    <xsl:for-each select="s:date">
      <w:p>
        <w:pPr>
          <w:pStyle w:val="Date"/>
          <!-- with no signing unit, the date keeps the space above it -->
          <xsl:if test="not(../s:unit)"><w:spacing w:before="960"/></xsl:if>
        </w:pPr>
        <xsl:call-template name="run"/>
      </w:p>
    </xsl:for-each>
  </xsl:template>

  <!-- One run holding the string value of the context node. -->
  <xsl:template name="run">
    <xsl:param name="style" select="''"/>
    <w:r>
      <w:rPr>
        <xsl:if test="$style != ''"><w:rStyle w:val="{$style}"/></xsl:if>
      </w:rPr>
      <w:t xml:space="preserve"><xsl:value-of select="."/></w:t>
    </w:r>
  </xsl:template>
</xsl:stylesheet>
