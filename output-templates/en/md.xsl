<?xml version="1.0" encoding="UTF-8"?>
<!--
  md.xsl (en) — lays the intermediate summary (urn:canvass:summary:1,
  written by summary.xsl) out as Markdown (CommonMark): the title as "#",
  a heading of level N as N+1 "#", run-in headings in bold, the signing
  unit and the date as the closing lines. Text is escaped so that it reads
  as written.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:s="urn:canvass:summary:1">

  <xsl:output method="text" encoding="UTF-8"/>

  <!-- Characters that mean something to Markdown inside a line. -->
  <xsl:variable name="specials" select="'\`*_[]&lt;&gt;#|'"/>
  <!-- Full stops a bold run-in heading may end with (see s:p): none in
       English, where "**A. Lead.** Text" closes as it should. -->
  <xsl:variable name="stops" select="''"/>

  <xsl:template match="/s:summary">
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <xsl:template match="s:title">
    <xsl:text># </xsl:text>
    <xsl:call-template name="esc"><xsl:with-param name="t" select="string(.)"/></xsl:call-template>
    <xsl:text>&#10;&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="s:h">
    <xsl:value-of select="substring('#####', 1, @level + 1)"/>
    <xsl:text> </xsl:text>
    <xsl:call-template name="esc"><xsl:with-param name="t" select="string(.)"/></xsl:call-template>
    <xsl:text>&#10;&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="s:p">
    <!-- A lead ending in one of $stops has it moved after the closing **. -->
    <xsl:for-each select="s:lead">
      <xsl:variable name="l" select="string(.)"/>
      <xsl:variable name="last" select="substring($l, string-length($l))"/>
      <xsl:variable name="cut" select="$stops != '' and contains($stops, $last) and string-length($l) &gt; 1"/>
      <xsl:text>**</xsl:text>
      <xsl:call-template name="esc">
        <xsl:with-param name="t">
          <xsl:choose>
            <xsl:when test="$cut"><xsl:value-of select="substring($l, 1, string-length($l) - 1)"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="$l"/></xsl:otherwise>
          </xsl:choose>
        </xsl:with-param>
      </xsl:call-template>
      <xsl:text>**</xsl:text>
      <xsl:if test="$cut"><xsl:value-of select="$last"/></xsl:if>
    </xsl:for-each>
    <xsl:variable name="text">
      <xsl:for-each select="text()"><xsl:value-of select="."/></xsl:for-each>
    </xsl:variable>
    <xsl:call-template name="esc">
      <xsl:with-param name="t" select="string($text)"/>
      <xsl:with-param name="start" select="not(s:lead)"/>
    </xsl:call-template>
    <xsl:text>&#10;&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="s:signature">
    <xsl:for-each select="*">
      <xsl:call-template name="esc"><xsl:with-param name="t" select="string(.)"/></xsl:call-template>
      <xsl:text>&#10;&#10;</xsl:text>
    </xsl:for-each>
  </xsl:template>

  <!-- T escaped. START: T begins a line, where "-", "+" or "1." would
       begin a list. -->
  <xsl:template name="esc">
    <xsl:param name="t"/>
    <xsl:param name="start" select="true()"/>
    <xsl:variable name="head" select="substring-before($t, '.')"/>
    <xsl:choose>
      <xsl:when test="$start and (starts-with($t, '-') or starts-with($t, '+'))">
        <xsl:text>\</xsl:text>
        <xsl:call-template name="esc-chars"><xsl:with-param name="t" select="$t"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="$start and string-length($head) &gt; 0 and string-length(translate($head, '0123456789', '')) = 0 and (substring-after($t, '.') = '' or starts-with(substring-after($t, '.'), ' '))">
        <xsl:value-of select="$head"/>
        <xsl:text>\.</xsl:text>
        <xsl:call-template name="esc-chars"><xsl:with-param name="t" select="substring-after($t, '.')"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="esc-chars"><xsl:with-param name="t" select="$t"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Backslash before each special character; splits at each one, so the
       depth of recursion grows with their number, not with T's length. -->
  <xsl:template name="esc-chars">
    <xsl:param name="t"/>
    <xsl:param name="chars" select="$specials"/>
    <xsl:variable name="c" select="substring($chars, 1, 1)"/>
    <xsl:choose>
      <xsl:when test="$c = ''">
        <xsl:value-of select="$t"/>
      </xsl:when>
      <xsl:when test="contains($t, $c)">
        <xsl:call-template name="esc-chars">
          <xsl:with-param name="t" select="substring-before($t, $c)"/>
          <xsl:with-param name="chars" select="substring($chars, 2)"/>
        </xsl:call-template>
        <xsl:text>\</xsl:text>
        <xsl:value-of select="$c"/>
        <xsl:call-template name="esc-chars">
          <xsl:with-param name="t" select="substring-after($t, $c)"/>
          <xsl:with-param name="chars" select="$chars"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="esc-chars">
          <xsl:with-param name="t" select="$t"/>
          <xsl:with-param name="chars" select="substring($chars, 2)"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
