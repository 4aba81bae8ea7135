<?xml version="1.0" encoding="UTF-8"?>
<!--
  summary.xsl (en) — the wording of the activity summary, in English.

  Input:  a canvass return (namespace urn:canvass:return:1).
  Params: level, code — the unit to write about (e.g. community 620402003005).
  Output: the summary as a small intermediate document (namespace
          urn:canvass:summary:1) that docx.xsl, html.xsl and md.xsl lay out:

            <summary lang level code>
              <title>…<br> </br>…</title>   a title line break
              <p>…</p>                      body paragraph
              <h level="1..4">…</h>          heading on its own line
              <p><lead level="2">…</lead>…</p>   run-in heading, then text
              <signature><unit>…</unit><date>…</date></signature>
            </summary>

  All the wording of the summary is here: change a sentence below and the
  .docx, .html and .md all change. Every figure comes from the return.
  Headings are written without numbers and numbered at the end (I. A. 1.
  (a)), so a part that is left out leaves no gap. White space is collapsed
  at the end, so the text below may be laid out freely.

  Sentences are built from clauses: a clause whose figure is zero is left
  out, and counts agree with their nouns ("1 household", "60 households").
  Labels of enumerated values are the en labels the return carries; names
  of communities and streets are as registered (in Chinese).
  Do not use xsl:strip-space here. Reading files outside this folder and
  writing files are refused.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:r="urn:canvass:return:1"
    xmlns="urn:canvass:summary:1"
    xmlns:s="urn:canvass:summary:1"
    xmlns:exsl="http://exslt.org/common"
    exclude-result-prefixes="r s exsl">

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:param name="level" select="'community'"/>
  <xsl:param name="code" select="''"/>

  <xsl:variable name="campaign" select="/r:return/r:campaign"/>
  <xsl:variable name="unit" select="/r:return/r:unit[@level = $level and @code = $code][1]"/>
  <!-- Between a run-in heading and its text. -->
  <xsl:variable name="lead-sep" select="' '"/>

  <!-- ================================================================ -->
  <!-- Entry: draft the text, then number its headings.                  -->
  <!-- ================================================================ -->
  <xsl:template match="/">
    <xsl:if test="not($unit)">
      <xsl:message terminate="yes">
        <xsl:text>the return has no unit with level "</xsl:text>
        <xsl:value-of select="$level"/>
        <xsl:text>" and code "</xsl:text>
        <xsl:value-of select="$code"/>
        <xsl:text>"</xsl:text>
      </xsl:message>
    </xsl:if>
    <xsl:variable name="draft">
      <xsl:apply-templates select="$unit" mode="draft"/>
    </xsl:variable>
    <xsl:apply-templates select="exsl:node-set($draft)/s:summary" mode="number"/>
  </xsl:template>

  <xsl:template match="r:unit" mode="draft">
    <xsl:variable name="roll" select="@level != 'community'"/>
    <xsl:variable name="name">
      <xsl:if test="@level != 'all'"><xsl:value-of select="@name"/></xsl:if>
    </xsl:variable>
    <xsl:variable name="narr" select="r:narrative/r:section"/>
    <!-- who did the work -->
    <xsl:variable name="we">
      <xsl:choose>
        <xsl:when test="$roll and @communities = 1">the community</xsl:when>
        <xsl:when test="$roll">the communities</xsl:when>
        <xsl:otherwise>the community</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>

    <summary lang="en" level="{@level}" code="{@code}">
      <title>
        <xsl:text>Summary of the “</xsl:text>
        <xsl:value-of select="$campaign/@title"/>
        <xsl:text>” Campaign</xsl:text>
        <!-- the place on a line of its own: a Chinese name may otherwise
             break anywhere at the end of the line (城|关街道); <br> reads
             as a space where a line cannot break (Markdown, properties) -->
        <xsl:if test="string($name) != ''">
          <br><xsl:text> </xsl:text></br>
          <xsl:text>in </xsl:text>
          <xsl:value-of select="$name"/>
        </xsl:if>
      </title>

      <!-- Opening (the mobilisation meeting is told once, under II) -->
      <p>
        As the higher authorities asked of urban street communities,
        <xsl:choose>
          <xsl:when test="not($roll)">
            <xsl:value-of select="@name"/>
            <xsl:if test="@street">
              <xsl:text> of </xsl:text>
              <xsl:value-of select="@street"/>
            </xsl:if>
            planned the “<xsl:value-of select="$campaign/@title"/>” campaign
            to suit its own circumstances.
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="communities"/>
            planned the “<xsl:value-of select="$campaign/@title"/>” campaign
            to suit their own circumstances.
          </xsl:otherwise>
        </xsl:choose>
        The campaign ran from
        <xsl:call-template name="date-range"/>.
        <xsl:choose>
          <xsl:when test="$roll">This report brings together how it went.</xsl:when>
          <xsl:otherwise>This report sums up how it went.</xsl:otherwise>
        </xsl:choose>
      </p>

      <!-- A partial return (build with allow-partial) names what it left out -->
      <xsl:variable name="excluded" select="/r:return/r:sources/r:source[@included = 'false']"/>
      <xsl:if test="/r:return/@partial = 'true' and $excluded">
        <p>
          <xsl:text>Note: </xsl:text>
          <xsl:call-template name="n">
            <xsl:with-param name="n" select="count($excluded)"/>
            <xsl:with-param name="one" select="'register'"/>
            <xsl:with-param name="many" select="'registers'"/>
          </xsl:call-template>
          <xsl:text> failed validation and </xsl:text>
          <xsl:call-template name="be">
            <xsl:with-param name="n" select="count($excluded)"/>
            <xsl:with-param name="one" select="'is'"/>
            <xsl:with-param name="many" select="'are'"/>
          </xsl:call-template>
          <xsl:text> not counted in this summary: </xsl:text>
          <xsl:for-each select="$excluded">
            <xsl:if test="position() &gt; 1">, </xsl:if>
            <xsl:value-of select="@file"/>
          </xsl:for-each>
          <xsl:text>.</xsl:text>
        </p>
      </xsl:if>

      <!-- I. Scope of the visits -->
      <h level="1">Scope of the visits</h>
      <xsl:call-template name="scope">
        <xsl:with-param name="roll" select="$roll"/>
        <xsl:with-param name="we" select="$we"/>
      </xsl:call-template>

      <!-- II. Main practices: the register's own words replace the stock
           paragraphs A-C; the figures follow in one paragraph -->
      <h level="1">Main practices</h>
      <xsl:choose>
        <xsl:when test="$narr[@value = 'practices']/r:p[normalize-space()]">
          <xsl:for-each select="$narr[@value = 'practices']/r:p[normalize-space()]">
            <p><xsl:value-of select="."/></p>
          </xsl:for-each>
          <xsl:variable name="facts">
            <xsl:call-template name="fact-files"/>
            <xsl:call-template name="fact-elderly"><xsl:with-param name="we" select="$we"/></xsl:call-template>
            <xsl:call-template name="fact-items"><xsl:with-param name="we" select="$we"/></xsl:call-template>
          </xsl:variable>
          <xsl:if test="exsl:node-set($facts)/s:c">
            <p>
              <xsl:text>In figures: </xsl:text>
              <xsl:for-each select="exsl:node-set($facts)/s:c">
                <xsl:if test="position() &gt; 1"><xsl:text> </xsl:text></xsl:if>
                <xsl:value-of select="."/>
                <xsl:text>.</xsl:text>
              </xsl:for-each>
            </p>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="practice-leadership">
            <xsl:with-param name="roll" select="$roll"/>
            <xsl:with-param name="we" select="$we"/>
          </xsl:call-template>
          <xsl:call-template name="practice-plan">
            <xsl:with-param name="roll" select="$roll"/>
            <xsl:with-param name="we" select="$we"/>
          </xsl:call-template>
          <xsl:call-template name="practice-collect">
            <xsl:with-param name="we" select="$we"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>

      <!-- III. Main results: the figures, then the register's words or the stock -->
      <h level="1">Main results</h>
      <xsl:variable name="narr-results" select="$narr[@value = 'results']/r:p[normalize-space()]"/>
      <xsl:if test="not($narr-results)">
        <p>
          Through the joint efforts of
          <xsl:choose>
            <xsl:when test="$roll">the communities' cadres</xsl:when>
            <xsl:otherwise>the community's cadres</xsl:otherwise>
          </xsl:choose>,
          the campaign achieved good results.
        </p>
      </xsl:if>
      <xsl:call-template name="results-opinions"><xsl:with-param name="roll" select="$roll"/></xsl:call-template>
      <xsl:choose>
        <xsl:when test="$narr-results">
          <xsl:for-each select="$narr-results">
            <p><xsl:value-of select="."/></p>
          </xsl:for-each>
        </xsl:when>
        <xsl:otherwise>
          <p>
            The visits brought cadres closer to residents, changed the way
            cadres work and strengthened their sense of service, deepened the
            ties between residents and the community, and made the cadres
            better at working with the public.
          </p>
        </xsl:otherwise>
      </xsl:choose>

      <!-- IV. Problems and deficiencies: the register's words, or one item
           per audit rule with findings (never both) -->
      <h level="1">Problems and deficiencies</h>
      <xsl:variable name="narr-problems" select="$narr[@value = 'problems']/r:p[normalize-space()]"/>
      <xsl:choose>
        <xsl:when test="$narr-problems">
          <xsl:for-each select="$narr-problems">
            <p><xsl:value-of select="."/></p>
          </xsl:for-each>
          <xsl:variable name="facts">
            <xsl:call-template name="problem-facts"/>
          </xsl:variable>
          <xsl:if test="exsl:node-set($facts)/s:c">
            <p>
              <xsl:text>The audit of the </xsl:text>
              <xsl:choose>
                <xsl:when test="$roll">registers</xsl:when>
                <xsl:otherwise>register</xsl:otherwise>
              </xsl:choose>
              <xsl:text> found </xsl:text>
              <xsl:call-template name="list">
                <xsl:with-param name="items" select="exsl:node-set($facts)/s:c"/>
                <xsl:with-param name="sep" select="'; '"/>
                <xsl:with-param name="last" select="'; and '"/>
              </xsl:call-template>
              <xsl:text>.</xsl:text>
            </p>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="problems"/>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:call-template name="not-listed"/>

      <!-- V. Next steps: the register's plans, or the stock paragraph -->
      <h level="1">Next steps</h>
      <xsl:choose>
        <xsl:when test="$narr[@value = 'plans']/r:p[normalize-space()]">
          <xsl:for-each select="$narr[@value = 'plans']/r:p[normalize-space()]">
            <p><xsl:value-of select="."/></p>
          </xsl:for-each>
        </xsl:when>
        <xsl:otherwise>
          <p>
            We will take stock of what the campaign has taught us, put right
            the problems found one by one within set deadlines, keep up the
            good practices of the visits, and go on improving community work
            and the service we give residents.
          </p>
        </xsl:otherwise>
      </xsl:choose>

      <!-- Signed by the unit when it is a body that signs: a community
           (its residents' committee) or a street (its office, by the
           street's name). A district's or a city's name is a place, and
           the return names no body for it (not the bureau nor the
           government): the date alone, the signing body left to the
           filer, as for 'all'. -->
      <signature>
        <xsl:if test="string($name) != '' and (@level = 'community' or @level = 'street')">
          <unit><xsl:value-of select="$name"/></unit>
        </xsl:if>
        <date>
          <xsl:call-template name="date">
            <xsl:with-param name="d" select="$campaign/@reported"/>
          </xsl:call-template>
        </date>
      </signature>
    </summary>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- I. Scope of the visits                                            -->
  <!-- ================================================================ -->
  <xsl:template name="scope">
    <xsl:param name="roll"/>
    <xsl:param name="we"/>
    <xsl:variable name="hh" select="r:households"/>
    <xsl:variable name="vis" select="r:visits"/>
    <xsl:variable name="cad" select="r:cadres"/>
    <xsl:variable name="clauses">
      <xsl:choose>
        <xsl:when test="$hh/@visited &gt; 0">
          <c>
            <xsl:text>visited </xsl:text>
            <xsl:call-template name="n">
              <xsl:with-param name="n" select="$hh/@visited"/>
              <xsl:with-param name="one" select="'household'"/>
              <xsl:with-param name="many" select="'households'"/>
            </xsl:call-template>
            <xsl:variable name="dw" select="$hh/r:dwelling[@visited &gt; 0]"/>
            <xsl:choose>
              <xsl:when test="count($dw) &gt; 1">
                <xsl:text> (</xsl:text>
                <xsl:for-each select="$dw">
                  <xsl:if test="position() &gt; 1">, </xsl:if>
                  <xsl:value-of select="@en"/>
                  <xsl:text>: </xsl:text>
                  <xsl:value-of select="format-number(@visited, '#,##0')"/>
                </xsl:for-each>
                <xsl:text>)</xsl:text>
              </xsl:when>
              <xsl:when test="count($dw) = 1">
                <xsl:text> (all </xsl:text>
                <xsl:value-of select="$dw/@en"/>
                <xsl:text>)</xsl:text>
              </xsl:when>
            </xsl:choose>
            <xsl:if test="$hh/@registered &gt; 0 and $hh/@visited = $hh/@registered">
              <xsl:text>, every household on the register</xsl:text>
            </xsl:if>
            <xsl:if test="$hh/@registered &gt; 0 and $hh/@visited != $hh/@registered">
              <xsl:text>, </xsl:text>
              <xsl:call-template name="percent">
                <xsl:with-param name="part" select="$hh/@visited"/>
                <xsl:with-param name="whole" select="$hh/@registered"/>
              </xsl:call-template>
              <xsl:text> of the </xsl:text>
              <xsl:call-template name="n">
                <xsl:with-param name="n" select="$hh/@registered"/>
                <xsl:with-param name="one" select="'household'"/>
                <xsl:with-param name="many" select="'households'"/>
              </xsl:call-template>
              <xsl:text> on the register</xsl:text>
            </xsl:if>
          </c>
        </xsl:when>
        <xsl:when test="$hh/@registered &gt; 0">
          <c>
            <xsl:text>had not yet visited any of the </xsl:text>
            <xsl:call-template name="n">
              <xsl:with-param name="n" select="$hh/@registered"/>
              <xsl:with-param name="one" select="'household'"/>
              <xsl:with-param name="many" select="'households'"/>
            </xsl:call-template>
            <xsl:text> on the register</xsl:text>
          </c>
        </xsl:when>
      </xsl:choose>
      <xsl:if test="$vis/@count &gt; 0">
        <c>
          <xsl:text>made </xsl:text>
          <xsl:call-template name="n">
            <xsl:with-param name="n" select="$vis/@count"/>
            <xsl:with-param name="one" select="'visit'"/>
            <xsl:with-param name="many" select="'visits'"/>
          </xsl:call-template>
          <xsl:variable name="k" select="$vis/r:kind[@count &gt; 0]"/>
          <xsl:choose>
            <xsl:when test="count($k) &gt; 1">
              <xsl:text> (</xsl:text>
              <xsl:for-each select="$k">
                <xsl:if test="position() &gt; 1">, </xsl:if>
                <xsl:value-of select="@en"/>
                <xsl:text>: </xsl:text>
                <xsl:value-of select="format-number(@count, '#,##0')"/>
              </xsl:for-each>
              <xsl:text>)</xsl:text>
            </xsl:when>
            <xsl:when test="count($k) = 1">
              <xsl:text> (all </xsl:text>
              <xsl:value-of select="$k/@en"/>
              <xsl:text>)</xsl:text>
            </xsl:when>
          </xsl:choose>
        </c>
      </xsl:if>
      <xsl:if test="r:forms/@count &gt; 0">
        <c>
          <xsl:text>filled in </xsl:text>
          <xsl:call-template name="n">
            <xsl:with-param name="n" select="r:forms/@count"/>
            <xsl:with-param name="one" select="'public-opinion registration form'"/>
            <xsl:with-param name="many" select="'public-opinion registration forms'"/>
          </xsl:call-template>
        </c>
      </xsl:if>
    </xsl:variable>
    <p>
      Aiming to know every household, understand its circumstances and help
      with its difficulties,
      <xsl:value-of select="$we"/>
      <xsl:choose>
        <xsl:when test="$cad/@taking-part &gt; 0">
          <xsl:text> sent </xsl:text>
          <xsl:call-template name="n">
            <xsl:with-param name="n" select="$cad/@taking-part"/>
            <xsl:with-param name="one" select="'cadre'"/>
            <xsl:with-param name="many" select="'cadres'"/>
          </xsl:call-template>
          <xsl:text> out among the residents</xsl:text>
        </xsl:when>
        <xsl:otherwise> sent its cadres out among the residents</xsl:otherwise>
      </xsl:choose>
      <xsl:choose>
        <xsl:when test="exsl:node-set($clauses)/s:c">
          <xsl:text>. They </xsl:text>
          <xsl:call-template name="list">
            <xsl:with-param name="items" select="exsl:node-set($clauses)/s:c"/>
            <xsl:with-param name="sep" select="'; '"/>
            <xsl:with-param name="last" select="'; and '"/>
          </xsl:call-template>
          <xsl:text>.</xsl:text>
        </xsl:when>
        <xsl:otherwise>; the visits are under way.</xsl:otherwise>
      </xsl:choose>
    </p>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- ================================================================ -->
  <!-- II. Main practices (stock paragraphs, when the register is silent) -->
  <!-- ================================================================ -->

  <!-- A. the mobilisation meeting and the working group -->
  <xsl:template name="practice-leadership">
    <xsl:param name="roll"/>
    <xsl:param name="we"/>
    <xsl:variable name="cad" select="r:cadres"/>
    <p>
      <lead level="2">Leadership and clear responsibilities.</lead>
      <xsl:choose>
        <xsl:when test="$roll">
          The communities promptly held mobilisation meetings of all their
          cadres to pass on the guidance and study the campaign documents.
        </xsl:when>
        <xsl:otherwise>
          The community promptly held a mobilisation meeting of all its
          cadres to pass on the guidance and study the campaign documents.
        </xsl:otherwise>
      </xsl:choose>
      <xsl:choose>
        <xsl:when test="($cad/@secretary-leads = 'true' or $cad/@secretary-leads = '1') and $roll">
          Working groups headed by the community secretaries
        </xsl:when>
        <xsl:when test="$cad/@secretary-leads = 'true' or $cad/@secretary-leads = '1'">
          A working group headed by the community secretary
        </xsl:when>
        <xsl:when test="$roll">
          Campaign working groups
        </xsl:when>
        <xsl:otherwise>
          A campaign working group
        </xsl:otherwise>
      </xsl:choose>
      took stock of the pressing problems residents raised, found their
      causes, gave each to a named person or passed it to the department
      concerned, and saw that it was resolved or answered as soon as
      possible.
    </p>
  </xsl:template>

  <!-- B. the plan, special files for special groups, elderly served -->
  <xsl:template name="practice-plan">
    <xsl:param name="roll"/>
    <xsl:param name="we"/>
    <xsl:variable name="grp" select="r:groups"/>
    <xsl:variable name="special-rows">
      <!-- the elderly first, then the other groups in schema order -->
      <xsl:for-each select="$grp/r:group[@value = 'elderly'][@members &gt; 0]"><c><xsl:value-of select="@en"/></c></xsl:for-each>
      <xsl:for-each select="$grp/r:group[not(starts-with(@value, 'elderly'))][@members &gt; 0]"><c><xsl:value-of select="@en"/></c></xsl:for-each>
    </xsl:variable>
    <xsl:variable name="special" select="exsl:node-set($special-rows)/s:c"/>
    <xsl:variable name="facts">
      <xsl:call-template name="fact-files"/>
      <xsl:call-template name="fact-elderly"><xsl:with-param name="we" select="$we"/></xsl:call-template>
    </xsl:variable>
    <p>
      <lead level="2">A plan and clear tasks.</lead>
      <xsl:choose>
        <xsl:when test="$roll">Each community</xsl:when>
        <xsl:otherwise>The community</xsl:otherwise>
      </xsl:choose>
      drew up a plan for the campaign and asked every cadre to use it to
      learn what residents need, ease their worries and do practical things
      for them. Starting from the matters residents care about most, the
      cadres gathered their views and kept them on file by subject.
      <xsl:if test="$special">
        <xsl:text>They paid particular attention to </xsl:text>
        <xsl:call-template name="list">
          <xsl:with-param name="items" select="$special"/>
        </xsl:call-template>
        <xsl:text>, and visited them again after the first visit, some at regular intervals.</xsl:text>
      </xsl:if>
      <xsl:for-each select="exsl:node-set($facts)/s:c">
        <xsl:text> </xsl:text>
        <xsl:value-of select="."/>
        <xsl:text>.</xsl:text>
      </xsl:for-each>
    </p>
  </xsl:template>

  <!-- C. what was collected: opinions and suggestions, satisfaction -->
  <xsl:template name="practice-collect">
    <xsl:param name="we"/>
    <xsl:variable name="facts">
      <xsl:call-template name="fact-items"><xsl:with-param name="we" select="$we"/></xsl:call-template>
    </xsl:variable>
    <p>
      <lead level="2">Listening to residents.</lead>
      <xsl:text>Cadres called on households one by one to hear their opinions and suggestions.</xsl:text>
      <xsl:for-each select="exsl:node-set($facts)/s:c">
        <xsl:text> </xsl:text>
        <xsl:value-of select="."/>
        <xsl:text>.</xsl:text>
      </xsl:for-each>
    </p>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- Figures of II as sentences (<c>, no final stop), each stated once: -->
  <!-- in the stock paragraphs, or after the register's own words          -->
  <!-- ================================================================ -->

  <!-- Special files were opened for 43 people in 36 households -->
  <xsl:template name="fact-files">
    <xsl:variable name="grp" select="r:groups"/>
    <xsl:if test="$grp/@households &gt; 0">
      <c>
        <xsl:text>Special files were opened for </xsl:text>
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$grp/@members"/>
          <xsl:with-param name="one" select="'person'"/>
          <xsl:with-param name="many" select="'people'"/>
        </xsl:call-template>
        <xsl:text> in special groups, in </xsl:text>
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$grp/@households"/>
          <xsl:with-param name="one" select="'household'"/>
          <xsl:with-param name="many" select="'households'"/>
        </xsl:call-template>
      </c>
    </xsl:if>
  </xsl:template>

  <!-- 30 elderly people received care …; 49 services to 34 people in all -->
  <xsl:template name="fact-elderly">
    <xsl:param name="we"/>
    <xsl:variable name="grp" select="r:groups"/>
    <xsl:variable name="elderly-kinds" select="$grp/r:group[starts-with(@value, 'elderly-')][@members &gt; 0]"/>
    <xsl:variable name="elderly-served" select="sum($grp/r:group[@value = 'elderly']/@served)"/>
    <xsl:variable name="types" select="r:services/r:type[@count &gt; 0]"/>
    <xsl:variable name="services">
      <xsl:call-template name="n">
        <xsl:with-param name="n" select="r:services/@count"/>
        <xsl:with-param name="one" select="'service'"/>
        <xsl:with-param name="many" select="'services'"/>
      </xsl:call-template>
      <xsl:text> to </xsl:text>
      <xsl:call-template name="n">
        <xsl:with-param name="n" select="r:services/@members"/>
        <xsl:with-param name="one" select="'person'"/>
        <xsl:with-param name="many" select="'people'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$elderly-served &gt; 0">
        <c>
          <xsl:text>Care</xsl:text>
          <xsl:if test="$types">
            <xsl:text> such as </xsl:text>
            <xsl:call-template name="list">
              <xsl:with-param name="items" select="$types"/>
              <xsl:with-param name="attr" select="'en'"/>
            </xsl:call-template>
          </xsl:if>
          <xsl:text> went to </xsl:text>
          <xsl:call-template name="n">
            <xsl:with-param name="n" select="$elderly-served"/>
            <xsl:with-param name="one" select="'elderly person'"/>
            <xsl:with-param name="many" select="'elderly people'"/>
          </xsl:call-template>
          <xsl:if test="$elderly-kinds">
            <xsl:text> (</xsl:text>
            <xsl:call-template name="list">
              <xsl:with-param name="items" select="$elderly-kinds"/>
              <xsl:with-param name="attr" select="'en'"/>
              <xsl:with-param name="sep" select="'; '"/>
              <xsl:with-param name="last" select="'; '"/>
            </xsl:call-template>
            <xsl:text>)</xsl:text>
          </xsl:if>
          <xsl:if test="r:services/@count &gt; 0">
            <xsl:text>; with the other special groups, </xsl:text>
            <xsl:value-of select="$we"/>
            <xsl:text> provided </xsl:text>
            <xsl:value-of select="$services"/>
            <xsl:text> in all</xsl:text>
          </xsl:if>
        </c>
      </xsl:when>
      <xsl:when test="r:services/@count &gt; 0">
        <c>
          <xsl:text>Through </xsl:text>
          <xsl:call-template name="list">
            <xsl:with-param name="items" select="$types"/>
            <xsl:with-param name="attr" select="'en'"/>
          </xsl:call-template>
          <xsl:text>, </xsl:text>
          <xsl:value-of select="$we"/>
          <xsl:text> provided </xsl:text>
          <xsl:value-of select="$services"/>
          <xsl:text> in difficulty</xsl:text>
        </c>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- 130 opinions and suggestions (100 opinions, 30 suggestions) / satisfaction -->
  <xsl:template name="fact-items">
    <xsl:param name="we"/>
    <xsl:variable name="o" select="number(r:opinions/@count)"/>
    <xsl:variable name="s" select="number(r:suggestions/@count)"/>
    <xsl:variable name="sat" select="r:satisfaction"/>
    <xsl:if test="$o + $s &gt; 0">
      <c>
        <xsl:text>The campaign gathered </xsl:text>
        <xsl:choose>
          <xsl:when test="$o &gt; 0 and $s &gt; 0">
            <xsl:value-of select="format-number($o + $s, '#,##0')"/>
            <xsl:text> opinions and suggestions (</xsl:text>
            <xsl:call-template name="n">
              <xsl:with-param name="n" select="$o"/>
              <xsl:with-param name="one" select="'opinion'"/>
              <xsl:with-param name="many" select="'opinions'"/>
            </xsl:call-template>
            <xsl:text>, </xsl:text>
            <xsl:call-template name="n">
              <xsl:with-param name="n" select="$s"/>
              <xsl:with-param name="one" select="'suggestion'"/>
              <xsl:with-param name="many" select="'suggestions'"/>
            </xsl:call-template>
            <xsl:text>)</xsl:text>
          </xsl:when>
          <xsl:when test="$o &gt; 0">
            <xsl:call-template name="n">
              <xsl:with-param name="n" select="$o"/>
              <xsl:with-param name="one" select="'opinion'"/>
              <xsl:with-param name="many" select="'opinions'"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="n">
              <xsl:with-param name="n" select="$s"/>
              <xsl:with-param name="one" select="'suggestion'"/>
              <xsl:with-param name="many" select="'suggestions'"/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </c>
    </xsl:if>
    <xsl:if test="$sat/@forms &gt; 0">
      <c>
        <xsl:text>Residents returned </xsl:text>
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$sat/@forms"/>
          <xsl:with-param name="one" select="'satisfaction evaluation form'"/>
          <xsl:with-param name="many" select="'satisfaction evaluation forms'"/>
        </xsl:call-template>
        <xsl:text>, a satisfaction rate of </xsl:text>
        <xsl:call-template name="percent">
          <xsl:with-param name="part" select="$sat/@satisfied"/>
          <xsl:with-param name="whole" select="$sat/@forms"/>
        </xsl:call-template>
        <xsl:variable name="rt" select="$sat/r:rating[@count &gt; 0]"/>
        <xsl:if test="$rt">
          <xsl:text> (</xsl:text>
          <xsl:for-each select="$rt">
            <xsl:if test="position() &gt; 1">, </xsl:if>
            <xsl:value-of select="@en"/>
            <xsl:text>: </xsl:text>
            <xsl:value-of select="format-number(@count, '#,##0')"/>
          </xsl:for-each>
          <xsl:text>)</xsl:text>
        </xsl:if>
      </c>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- III. Main results: what the opinions and suggestions were about,    -->
  <!-- where the important opinions went (reported/@to), progress          -->
  <!-- ================================================================ -->
  <xsl:template name="results-opinions">
    <xsl:param name="roll"/>
    <xsl:variable name="op" select="r:opinions"/>
    <xsl:variable name="sg" select="r:suggestions"/>
    <xsl:variable name="cats" select="$op/r:category[@value != 'other'][@count &gt; 0 or @value = $sg/r:category[@count &gt; 0]/@value]"/>
    <xsl:variable name="resolved" select="sum($op/r:status[@value = 'resolved']/@count) + sum($sg/r:status[@value = 'resolved']/@count)"/>
    <xsl:variable name="explained" select="sum($op/r:status[@value = 'explained']/@count) + sum($sg/r:status[@value = 'explained']/@count)"/>
    <xsl:variable name="all" select="$op/@count + $sg/@count"/>
    <xsl:variable name="open" select="$all - $resolved - $explained"/>
    <xsl:variable name="imp" select="number($op/@important)"/>
    <xsl:variable name="rep" select="number($op/@important-reported)"/>
    <xsl:variable name="dest" select="$op/r:reported[@important &gt; 0]"/>
    <xsl:variable name="unit" select="."/>
    <p>
      <xsl:choose>
        <xsl:when test="$all &gt; 0">
          <xsl:text>What residents raised concerned </xsl:text>
          <xsl:choose>
            <xsl:when test="$cats">
              <xsl:call-template name="list">
                <xsl:with-param name="items" select="$cats"/>
                <xsl:with-param name="attr" select="'en'"/>
              </xsl:call-template>
              <xsl:text>, among other things</xsl:text>
            </xsl:when>
            <xsl:otherwise>every part of their lives</xsl:otherwise>
          </xsl:choose>
          <xsl:text>.</xsl:text>
          <xsl:if test="$imp &gt; 0">
            <xsl:text> Among them </xsl:text>
            <xsl:call-template name="be">
              <xsl:with-param name="n" select="$imp"/>
              <xsl:with-param name="one" select="'was '"/>
              <xsl:with-param name="many" select="'were '"/>
            </xsl:call-template>
            <xsl:call-template name="n">
              <xsl:with-param name="n" select="$imp"/>
              <xsl:with-param name="one" select="'important opinion'"/>
              <xsl:with-param name="many" select="'important opinions'"/>
            </xsl:call-template>
            <xsl:choose>
              <xsl:when test="$rep = 0">
                <xsl:text>, now being looked into</xsl:text>
              </xsl:when>
              <xsl:otherwise>
                <xsl:choose>
                  <xsl:when test="$rep = $imp and $imp = 1">, which was reported </xsl:when>
                  <xsl:when test="$rep = $imp">, all of which were reported </xsl:when>
                  <xsl:otherwise>
                    <xsl:text>, of which </xsl:text>
                    <xsl:value-of select="format-number($rep, '#,##0')"/>
                    <xsl:call-template name="be">
                      <xsl:with-param name="n" select="$rep"/>
                      <xsl:with-param name="one" select="' was'"/>
                      <xsl:with-param name="many" select="' were'"/>
                    </xsl:call-template>
                    <xsl:text> reported </xsl:text>
                  </xsl:otherwise>
                </xsl:choose>
                <xsl:choose>
                  <xsl:when test="$dest">to </xsl:when>
                  <xsl:otherwise>upwards</xsl:otherwise>
                </xsl:choose>
                <!-- where to: the register's `to`; a street's own office is
                     "the street office" (the street never reports to itself) -->
                <xsl:for-each select="$dest">
                  <xsl:choose>
                    <xsl:when test="position() = 1"/>
                    <xsl:when test="position() = last()"> and </xsl:when>
                    <xsl:otherwise>, </xsl:otherwise>
                  </xsl:choose>
                  <xsl:choose>
                    <xsl:when test="$unit/@level = 'street' and contains(@to, $unit/@name)">this street office</xsl:when>
                    <xsl:otherwise><xsl:value-of select="@to"/></xsl:otherwise>
                  </xsl:choose>
                  <xsl:if test="count($dest) &gt; 1">
                    <xsl:text> (</xsl:text>
                    <xsl:value-of select="format-number(@important, '#,##0')"/>
                    <xsl:text>)</xsl:text>
                  </xsl:if>
                </xsl:for-each>
                <xsl:if test="$roll"> by the communities</xsl:if>
              </xsl:otherwise>
            </xsl:choose>
            <xsl:text>.</xsl:text>
          </xsl:if>
          <xsl:if test="$resolved + $explained &gt; 0">
            <xsl:text> So far, </xsl:text>
            <xsl:if test="$resolved &gt; 0">
              <xsl:value-of select="format-number($resolved, '#,##0')"/>
              <xsl:text> of the </xsl:text>
              <xsl:value-of select="format-number($all, '#,##0')"/>
              <xsl:call-template name="be">
                <xsl:with-param name="n" select="$resolved"/>
                <xsl:with-param name="one" select="' has'"/>
                <xsl:with-param name="many" select="' have'"/>
              </xsl:call-template>
              <xsl:text> been resolved</xsl:text>
            </xsl:if>
            <xsl:if test="$resolved &gt; 0 and $explained &gt; 0">
              <xsl:choose>
                <xsl:when test="$open &gt; 0">, </xsl:when>
                <xsl:otherwise> and </xsl:otherwise>
              </xsl:choose>
            </xsl:if>
            <xsl:if test="$explained &gt; 0">
              <xsl:value-of select="format-number($explained, '#,##0')"/>
              <xsl:text> answered with an explanation</xsl:text>
            </xsl:if>
            <xsl:if test="$open &gt; 0">
              <xsl:text> and </xsl:text>
              <xsl:value-of select="format-number($open, '#,##0')"/>
              <xsl:call-template name="be">
                <xsl:with-param name="n" select="$open"/>
                <xsl:with-param name="one" select="' is'"/>
                <xsl:with-param name="many" select="' are'"/>
              </xsl:call-template>
              <xsl:text> still in hand</xsl:text>
            </xsl:if>
            <xsl:text>.</xsl:text>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <xsl:text>Talking with residents face to face, cadres learned what they think and hope for.</xsl:text>
        </xsl:otherwise>
      </xsl:choose>
    </p>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- IV. Problems and deficiencies: from the audit rule counts          -->
  <!-- ================================================================ -->

  <!-- The findings as clauses (<c lead="…">), one per rule with findings. -->
  <xsl:template name="problem-facts">
    <xsl:variable name="a" select="r:audit/r:rule"/>
    <xsl:variable name="few" select="sum($a[@value = 'cadre-few-visits']/@count)"/>
    <xsl:variable name="nocadre" select="sum($a[@value = 'no-responsible-cadre']/@count)"/>
    <xsl:variable name="notvisited" select="sum($a[@value = 'household-not-visited']/@count)"/>
    <xsl:variable name="special" select="sum($a[@value = 'special-group-not-followed-up']/@count)"/>
    <xsl:variable name="overdue" select="sum($a[@value = 'overdue-item']/@count)"/>
    <!-- every other rule is about how the register was kept -->
    <xsl:variable name="records" select="$a[@count &gt; 0][@value != 'cadre-few-visits' and @value != 'no-responsible-cadre' and @value != 'household-not-visited' and @value != 'special-group-not-followed-up' and @value != 'overdue-item']"/>
    <xsl:if test="$few &gt; 0">
      <c lead="Insufficient attention from some cadres." tail=": not enough attention and effort went into the campaign, and the results are not yet evident">
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$few"/>
          <xsl:with-param name="one" select="'cadre'"/>
          <xsl:with-param name="many" select="'cadres'"/>
        </xsl:call-template>
        <xsl:text> who took part in too few visits</xsl:text>
      </c>
    </xsl:if>
    <xsl:if test="$nocadre &gt; 0">
      <c lead="Unclear areas of responsibility." tail=", so areas of responsibility are unclear and the work is not followed through">
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$nocadre"/>
          <xsl:with-param name="one" select="'household'"/>
          <xsl:with-param name="many" select="'households'"/>
        </xsl:call-template>
        <xsl:text> with no responsible cadre</xsl:text>
      </c>
    </xsl:if>
    <xsl:if test="$notvisited &gt; 0">
      <c lead="Visits not yet complete." tail="">
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$notvisited"/>
          <xsl:with-param name="one" select="'household'"/>
          <xsl:with-param name="many" select="'households'"/>
        </xsl:call-template>
        <xsl:text> not yet visited</xsl:text>
      </c>
    </xsl:if>
    <xsl:if test="$special &gt; 0">
      <c lead="Special groups not followed up." tail="">
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$special"/>
          <xsl:with-param name="one" select="'household'"/>
          <xsl:with-param name="many" select="'households'"/>
        </xsl:call-template>
        <xsl:text> in special groups with no visit after the first</xsl:text>
      </c>
    </xsl:if>
    <xsl:if test="$overdue &gt; 0">
      <c lead="Some matters handled too slowly." tail="">
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$overdue"/>
          <xsl:with-param name="one" select="'opinion or suggestion'"/>
          <xsl:with-param name="many" select="'opinions and suggestions'"/>
        </xsl:call-template>
        <xsl:text> still open after the time allowed</xsl:text>
      </c>
    </xsl:if>
    <xsl:if test="$records">
      <c lead="Records not yet in order." tail=", which need checking and correcting">
        <xsl:for-each select="$records">
          <xsl:if test="position() &gt; 1">, </xsl:if>
          <xsl:value-of select="format-number(@count, '#,##0')"/>
          <xsl:text> × </xsl:text>
          <xsl:value-of select="@en"/>
        </xsl:for-each>
      </c>
    </xsl:if>
  </xsl:template>

  <!-- Findings beyond the return's listing cap: how many, and where they
       all are (any section 4, narrated or not). -->
  <xsl:template name="not-listed">
    <xsl:variable name="codes" select="@code[../@level = 'community'] | r:covers/r:community/@code"/>
    <xsl:variable name="notlisted" select="sum(/r:return/r:findings/r:notListed[@community = $codes]/@count)"/>
    <xsl:if test="$notlisted &gt; 0">
      <p>
        <xsl:text>The return lists at most </xsl:text>
        <xsl:value-of select="/r:return/r:findings/@limit"/>
        <xsl:text> findings per rule and community; </xsl:text>
        <xsl:value-of select="$notlisted"/>
        <xsl:text> more are not listed there, and every finding is in findings.csv.</xsl:text>
      </p>
    </xsl:if>
  </xsl:template>

  <!-- The register is silent: one lettered item per finding, or a line. -->
  <xsl:template name="problems">
    <xsl:variable name="facts">
      <xsl:call-template name="problem-facts"/>
    </xsl:variable>
    <xsl:variable name="shows">
      <xsl:choose>
        <xsl:when test="@level = 'community'">The register shows </xsl:when>
        <xsl:otherwise>The registers show </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:for-each select="exsl:node-set($facts)/s:c">
      <p>
        <lead level="2"><xsl:value-of select="@lead"/></lead>
        <xsl:value-of select="$shows"/>
        <xsl:value-of select="."/>
        <xsl:value-of select="@tail"/>
        <xsl:text>.</xsl:text>
      </p>
    </xsl:for-each>
    <xsl:if test="not(exsl:node-set($facts)/s:c)">
      <p>
        The campaign went smoothly on the whole and the audit found no marked
        problems, though the visits could go deeper and the services be more
        closely tailored to each household.
      </p>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- Helpers                                                            -->
  <!-- ================================================================ -->

  <!-- the 2 communities of 城关街道 (红星社区 and 金山社区) -->
  <xsl:template name="communities">
    <xsl:variable name="c" select="r:covers/r:community"/>
    <xsl:choose>
      <xsl:when test="@communities = 1">the community</xsl:when>
      <xsl:otherwise>
        <xsl:text>the </xsl:text>
        <xsl:value-of select="@communities"/>
        <xsl:text> communities</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:if test="@level != 'all'">
      <xsl:text> of </xsl:text>
      <xsl:value-of select="@name"/>
    </xsl:if>
    <xsl:if test="$c">
      <xsl:text> (</xsl:text>
      <xsl:call-template name="list">
        <xsl:with-param name="items" select="$c[position() &lt;= 10]"/>
        <xsl:with-param name="attr" select="'name'"/>
        <xsl:with-param name="last">
          <xsl:choose>
            <xsl:when test="count($c) &gt; 10">, </xsl:when>
            <xsl:otherwise> and </xsl:otherwise>
          </xsl:choose>
        </xsl:with-param>
      </xsl:call-template>
      <xsl:if test="count($c) &gt; 10"> and others</xsl:if>
      <xsl:text>)</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- A, B and C: the text (or attribute ATTR) of ITEMS -->
  <xsl:template name="list">
    <xsl:param name="items"/>
    <xsl:param name="attr" select="''"/>
    <xsl:param name="sep" select="', '"/>
    <xsl:param name="last" select="' and '"/>
    <xsl:for-each select="$items">
      <xsl:choose>
        <xsl:when test="position() = 1"/>
        <xsl:when test="position() = last()"><xsl:value-of select="$last"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$sep"/></xsl:otherwise>
      </xsl:choose>
      <xsl:choose>
        <xsl:when test="$attr != ''"><xsl:value-of select="@*[local-name() = $attr]"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:template>

  <!-- "1 household", "60 households", "1,234 households" -->
  <xsl:template name="n">
    <xsl:param name="n"/>
    <xsl:param name="one"/>
    <xsl:param name="many"/>
    <xsl:value-of select="format-number($n, '#,##0')"/>
    <xsl:text> </xsl:text>
    <xsl:choose>
      <xsl:when test="$n = 1"><xsl:value-of select="$one"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$many"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ONE when N is 1, else MANY ("was"/"were", "has"/"have") -->
  <xsl:template name="be">
    <xsl:param name="n"/>
    <xsl:param name="one"/>
    <xsl:param name="many"/>
    <xsl:choose>
      <xsl:when test="$n = 1"><xsl:value-of select="$one"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$many"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- PART / WHOLE as a percentage with one decimal: 93.8% -->
  <xsl:template name="percent">
    <xsl:param name="part"/>
    <xsl:param name="whole"/>
    <xsl:value-of select="format-number($part * 100 div $whole, '0.#')"/>
    <xsl:text>%</xsl:text>
  </xsl:template>

  <!-- 2011-11-10 → 10 November 2011 -->
  <xsl:template name="date">
    <xsl:param name="d"/>
    <xsl:param name="year" select="true()"/>
    <xsl:variable name="m" select="number(substring($d, 6, 2))"/>
    <xsl:value-of select="number(substring($d, 9, 2))"/>
    <xsl:text> </xsl:text>
    <xsl:choose>
      <xsl:when test="$m = 1">January</xsl:when>
      <xsl:when test="$m = 2">February</xsl:when>
      <xsl:when test="$m = 3">March</xsl:when>
      <xsl:when test="$m = 4">April</xsl:when>
      <xsl:when test="$m = 5">May</xsl:when>
      <xsl:when test="$m = 6">June</xsl:when>
      <xsl:when test="$m = 7">July</xsl:when>
      <xsl:when test="$m = 8">August</xsl:when>
      <xsl:when test="$m = 9">September</xsl:when>
      <xsl:when test="$m = 10">October</xsl:when>
      <xsl:when test="$m = 11">November</xsl:when>
      <xsl:otherwise>December</xsl:otherwise>
    </xsl:choose>
    <xsl:if test="$year">
      <xsl:text> </xsl:text>
      <xsl:value-of select="substring($d, 1, 4)"/>
    </xsl:if>
  </xsl:template>

  <!-- 1 September to 31 October 2011 -->
  <xsl:template name="date-range">
    <xsl:call-template name="date">
      <xsl:with-param name="d" select="$campaign/@start"/>
      <xsl:with-param name="year" select="substring($campaign/@start, 1, 4) != substring($campaign/@end, 1, 4)"/>
    </xsl:call-template>
    <xsl:text> to </xsl:text>
    <xsl:call-template name="date">
      <xsl:with-param name="d" select="$campaign/@end"/>
    </xsl:call-template>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- Numbering: I. A. 1. (a)                                            -->
  <!-- ================================================================ -->
  <xsl:template match="s:summary | s:signature" mode="number">
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates select="*" mode="number"/>
    </xsl:copy>
  </xsl:template>

  <!-- Collapse the white space the layout of this file leaves in text;
       a title's line breaks stay. -->
  <xsl:template match="s:title" mode="number">
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:for-each select="node()">
        <xsl:choose>
          <xsl:when test="self::s:br"><xsl:copy-of select="."/></xsl:when>
          <xsl:otherwise><xsl:value-of select="normalize-space(.)"/></xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="s:unit | s:date" mode="number">
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:value-of select="normalize-space(.)"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="s:p" mode="number">
    <xsl:variable name="text">
      <xsl:for-each select="text()"><xsl:value-of select="."/></xsl:for-each>
    </xsl:variable>
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:if test="s:lead">
        <xsl:apply-templates select="s:lead[1]" mode="number"/>
        <xsl:value-of select="$lead-sep"/>
      </xsl:if>
      <xsl:value-of select="normalize-space($text)"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="s:h | s:lead" mode="number">
    <xsl:variable name="l" select="number(@level)"/>
    <xsl:variable name="heads" select="preceding::*[self::s:h or self::s:lead]"/>
    <xsl:variable name="parent" select="$heads[@level &lt; $l][last()]"/>
    <xsl:variable name="n" select="count($heads[@level = $l]) - count($parent/preceding::*[self::s:h or self::s:lead][@level = $l]) + 1"/>
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:call-template name="heading-number">
        <xsl:with-param name="level" select="$l"/>
        <xsl:with-param name="n" select="$n"/>
      </xsl:call-template>
      <xsl:value-of select="normalize-space(.)"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template name="heading-number">
    <xsl:param name="level"/>
    <xsl:param name="n"/>
    <xsl:choose>
      <xsl:when test="$level = 1"><xsl:number value="$n" format="I"/>. </xsl:when>
      <xsl:when test="$level = 2"><xsl:number value="$n" format="A"/>. </xsl:when>
      <xsl:when test="$level = 3"><xsl:value-of select="$n"/>. </xsl:when>
      <xsl:otherwise>(<xsl:number value="$n" format="a"/>) </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
