<?xml version="1.0" encoding="UTF-8"?>
<!--
  summary.xsl (en) — the wording of the activity summary, in English.

  Input:  a canvass return (namespace urn:canvass:return:1).
  Params: level, code — the unit to write about (e.g. community 620402003005).
  Output: the summary as a small intermediate document (namespace
          urn:canvass:summary:1) that docx.xsl, html.xsl and md.xsl lay out:

            <summary lang level code>
              <title>…</title>
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
        <xsl:if test="string($name) != ''">
          <xsl:text> in </xsl:text>
          <xsl:value-of select="$name"/>
        </xsl:if>
      </title>

      <!-- Opening -->
      <p>
        In line with the arrangements made by the higher authorities for the
        “<xsl:value-of select="$campaign/@title"/>” campaign in urban street
        communities,
        <xsl:choose>
          <xsl:when test="not($roll)">
            <xsl:value-of select="@name"/>
            <xsl:if test="@street">
              <xsl:text> of </xsl:text>
              <xsl:value-of select="@street"/>
            </xsl:if>
            held a mobilisation meeting of all its cadres and planned the
            work to suit the community's own circumstances.
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="communities"/>
            planned the work to suit their own circumstances and held
            mobilisation meetings.
          </xsl:otherwise>
        </xsl:choose>
        The campaign ran from
        <xsl:call-template name="date-range"/>.
        <xsl:choose>
          <xsl:when test="$roll">This report brings together how it was carried out.</xsl:when>
          <xsl:otherwise>This report sums up how it was carried out.</xsl:otherwise>
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

      <!-- II. Main practices -->
      <h level="1">Main practices</h>
      <xsl:for-each select="$narr[@value = 'practices']/r:p[normalize-space()]">
        <p><xsl:value-of select="."/></p>
      </xsl:for-each>
      <xsl:call-template name="practice-leadership">
        <xsl:with-param name="roll" select="$roll"/>
        <xsl:with-param name="we" select="$we"/>
      </xsl:call-template>
      <xsl:call-template name="practice-plan">
        <xsl:with-param name="roll" select="$roll"/>
        <xsl:with-param name="we" select="$we"/>
      </xsl:call-template>
      <xsl:call-template name="practice-publicity">
        <xsl:with-param name="we" select="$we"/>
      </xsl:call-template>

      <!-- III. Main results -->
      <h level="1">Main results</h>
      <p>
        Through the joint efforts of
        <xsl:choose>
          <xsl:when test="$roll">the communities' cadres</xsl:when>
          <xsl:otherwise>the community's cadres</xsl:otherwise>
        </xsl:choose>,
        the “<xsl:value-of select="$campaign/@title"/>” campaign achieved good
        results.
      </p>
      <xsl:call-template name="results-opinions"><xsl:with-param name="roll" select="$roll"/></xsl:call-template>
      <xsl:choose>
        <xsl:when test="$narr[@value = 'results']/r:p">
          <xsl:for-each select="$narr[@value = 'results']/r:p[normalize-space()]">
            <p><xsl:value-of select="."/></p>
          </xsl:for-each>
        </xsl:when>
        <xsl:otherwise>
          <p>
            Second, the visits brought cadres closer to residents, changed the
            way cadres work and strengthened their sense of service, deepened
            the ties between residents and the community, and improved the
            cadres' ability to work with the public.
          </p>
        </xsl:otherwise>
      </xsl:choose>

      <!-- IV. Problems and deficiencies -->
      <h level="1">Problems and deficiencies</h>
      <xsl:call-template name="problems"/>
      <xsl:for-each select="$narr[@value = 'problems']/r:p[normalize-space()]">
        <p><xsl:value-of select="."/></p>
      </xsl:for-each>

      <!-- Closing: the register's plans, or a closing paragraph -->
      <xsl:choose>
        <xsl:when test="$narr[@value = 'plans']/r:p">
          <h level="1">Next steps</h>
          <xsl:for-each select="$narr[@value = 'plans']/r:p[normalize-space()]">
            <p><xsl:value-of select="."/></p>
          </xsl:for-each>
        </xsl:when>
        <xsl:otherwise>
          <p>
            Next, we will sum up what the campaign has taught us, correct the
            problems found one by one within set deadlines, keep up the good
            practices developed during the visits, keep improving the way
            community work is done, and go on raising the standard of service
            to residents.
          </p>
        </xsl:otherwise>
      </xsl:choose>

      <signature>
        <xsl:if test="string($name) != ''">
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
            <xsl:if test="$hh/@registered &gt; 0">
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
  <!-- II. Main practices                                                -->
  <!-- ================================================================ -->

  <!-- A. the working group -->
  <xsl:template name="practice-leadership">
    <xsl:param name="roll"/>
    <xsl:param name="we"/>
    <xsl:variable name="cad" select="r:cadres"/>
    <p>
      <lead level="2">Leadership and clear responsibilities.</lead>
      Following the campaign plan,
      <xsl:value-of select="$we"/>
      <xsl:choose>
        <xsl:when test="$roll">
          promptly held mobilisation meetings of all their cadres to pass on
          the guidance and study the campaign documents.
        </xsl:when>
        <xsl:otherwise>
          promptly held a mobilisation meeting of all its cadres to pass on
          the guidance and study the campaign documents.
        </xsl:otherwise>
      </xsl:choose>
      <xsl:choose>
        <xsl:when test="($cad/@secretary-leads = 'true' or $cad/@secretary-leads = '1') and $roll">
          Working groups headed by the community secretaries were set up
        </xsl:when>
        <xsl:when test="$cad/@secretary-leads = 'true' or $cad/@secretary-leads = '1'">
          A working group headed by the community secretary was set up
        </xsl:when>
        <xsl:when test="$roll">
          Campaign working groups were set up
        </xsl:when>
        <xsl:otherwise>
          A campaign working group was set up
        </xsl:otherwise>
      </xsl:choose>
      and charged with sorting out the pressing problems residents raised
      during the visits, finding their causes, assigning a person to each or
      referring it to the department concerned, and seeing that it was
      resolved or properly answered as soon as possible.
      <xsl:if test="$cad/@taking-part &gt; 0">
        <xsl:text>In all, </xsl:text>
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$cad/@taking-part"/>
          <xsl:with-param name="one" select="'cadre'"/>
          <xsl:with-param name="many" select="'cadres'"/>
        </xsl:call-template>
        <xsl:text> took part in the visits</xsl:text>
        <xsl:if test="r:visits/@count &gt; 0 and $cad/@taking-part &gt; 1">
          <xsl:text>, making </xsl:text>
          <xsl:value-of select="format-number(r:visits/@count div $cad/@taking-part, '0.#')"/>
          <xsl:text> visits each on average</xsl:text>
        </xsl:if>
        <xsl:text>.</xsl:text>
      </xsl:if>
    </p>
  </xsl:template>

  <!-- B. the plan, special files for special groups, elderly served -->
  <xsl:template name="practice-plan">
    <xsl:param name="roll"/>
    <xsl:param name="we"/>
    <xsl:variable name="grp" select="r:groups"/>
    <!-- the "elderly" row stands for the elderly-* groups together -->
    <xsl:variable name="special-rows">
      <!-- the elderly first, then the other groups in schema order -->
      <xsl:for-each select="$grp/r:group[@value = 'elderly'][@members &gt; 0]"><c><xsl:value-of select="@en"/></c></xsl:for-each>
      <xsl:for-each select="$grp/r:group[not(starts-with(@value, 'elderly'))][@members &gt; 0]"><c><xsl:value-of select="@en"/></c></xsl:for-each>
    </xsl:variable>
    <xsl:variable name="special" select="exsl:node-set($special-rows)/s:c"/>
    <xsl:variable name="elderly-kinds" select="$grp/r:group[starts-with(@value, 'elderly-')][@members &gt; 0]"/>
    <xsl:variable name="elderly-served" select="sum($grp/r:group[@value = 'elderly']/@served)"/>
    <xsl:variable name="types" select="r:services/r:type[@count &gt; 0]"/>
    <xsl:variable name="follow" select="sum(r:visits/r:kind[@value = 'follow-up']/@count)"/>
    <xsl:variable name="regular" select="sum(r:visits/r:kind[@value = 'regular']/@count)"/>
    <p>
      <lead level="2">A plan and clear tasks.</lead>
      <xsl:choose>
        <xsl:when test="$roll">Each community</xsl:when>
        <xsl:otherwise>The community</xsl:otherwise>
      </xsl:choose>
      drew up an implementation plan for the
      “<xsl:value-of select="$campaign/@title"/>” campaign and asked every
      cadre to use it to learn what residents need, ease their worries and do
      practical things for them, so raising residents' satisfaction with
      community services. Starting from the interests residents care about
      most directly, the campaign gathered their views and kept classified
      files on them.
      <xsl:if test="$special">
        <xsl:text>It paid particular attention to the reasonable needs of these groups: </xsl:text>
        <xsl:call-template name="list">
          <xsl:with-param name="items" select="$special"/>
        </xsl:call-template>
        <xsl:text>, and opened special files for groups in difficulty and special groups</xsl:text>
        <xsl:if test="$grp/@households &gt; 0">
          <xsl:text> (</xsl:text>
          <xsl:call-template name="n">
            <xsl:with-param name="n" select="$grp/@members"/>
            <xsl:with-param name="one" select="'person'"/>
            <xsl:with-param name="many" select="'people'"/>
          </xsl:call-template>
          <xsl:text> in </xsl:text>
          <xsl:call-template name="n">
            <xsl:with-param name="n" select="$grp/@households"/>
            <xsl:with-param name="one" select="'household'"/>
            <xsl:with-param name="many" select="'households'"/>
          </xsl:call-template>
          <xsl:text>)</xsl:text>
        </xsl:if>
        <xsl:text>, with follow-up and regular visits</xsl:text>
        <xsl:variable name="fr">
          <xsl:if test="$follow &gt; 0">
            <c>
              <xsl:call-template name="n">
                <xsl:with-param name="n" select="$follow"/>
                <xsl:with-param name="one" select="'follow-up visit'"/>
                <xsl:with-param name="many" select="'follow-up visits'"/>
              </xsl:call-template>
            </c>
          </xsl:if>
          <xsl:if test="$regular &gt; 0">
            <c>
              <xsl:call-template name="n">
                <xsl:with-param name="n" select="$regular"/>
                <xsl:with-param name="one" select="'regular visit'"/>
                <xsl:with-param name="many" select="'regular visits'"/>
              </xsl:call-template>
            </c>
          </xsl:if>
        </xsl:variable>
        <xsl:if test="exsl:node-set($fr)/s:c">
          <xsl:text> (</xsl:text>
          <xsl:call-template name="list">
            <xsl:with-param name="items" select="exsl:node-set($fr)/s:c"/>
          </xsl:call-template>
          <xsl:text>)</xsl:text>
        </xsl:if>
        <xsl:text>.</xsl:text>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="$elderly-served &gt; 0">
          <xsl:text> To meet the needs of older residents, </xsl:text>
          <xsl:value-of select="$we"/>
          <xsl:text> gave care to </xsl:text>
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
          <xsl:if test="$types">
            <xsl:text>, helping with their practical difficulties through </xsl:text>
            <xsl:call-template name="list">
              <xsl:with-param name="items" select="$types"/>
              <xsl:with-param name="attr" select="'en'"/>
            </xsl:call-template>
          </xsl:if>
          <xsl:if test="r:services/@count &gt; 0">
            <xsl:text>; in all, </xsl:text>
            <xsl:value-of select="$we"/>
            <xsl:text> provided </xsl:text>
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
          </xsl:if>
          <xsl:text>.</xsl:text>
        </xsl:when>
        <xsl:when test="r:services/@count &gt; 0">
          <xsl:text> Through </xsl:text>
          <xsl:call-template name="list">
            <xsl:with-param name="items" select="$types"/>
            <xsl:with-param name="attr" select="'en'"/>
          </xsl:call-template>
          <xsl:text>, </xsl:text>
          <xsl:value-of select="$we"/>
          <xsl:text> provided </xsl:text>
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
          <xsl:text> in difficulty.</xsl:text>
        </xsl:when>
      </xsl:choose>
    </p>
  </xsl:template>

  <!-- C. suggestions, forms, satisfaction -->
  <xsl:template name="practice-publicity">
    <xsl:param name="we"/>
    <xsl:variable name="sat" select="r:satisfaction"/>
    <xsl:variable name="clauses">
      <xsl:if test="r:suggestions/@count &gt; 0">
        <c>
          <xsl:text>collected </xsl:text>
          <xsl:call-template name="n">
            <xsl:with-param name="n" select="r:suggestions/@count"/>
            <xsl:with-param name="one" select="'suggestion'"/>
            <xsl:with-param name="many" select="'suggestions'"/>
          </xsl:call-template>
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
      <lead level="2">Publicity and a lively atmosphere.</lead>
      <xsl:choose>
        <xsl:when test="exsl:node-set($clauses)/s:c">
          <xsl:text>During the campaign </xsl:text>
          <xsl:value-of select="$we"/>
          <xsl:text> </xsl:text>
          <xsl:call-template name="list">
            <xsl:with-param name="items" select="exsl:node-set($clauses)/s:c"/>
          </xsl:call-template>
          <xsl:text>.</xsl:text>
        </xsl:when>
        <xsl:otherwise>The campaign was widely publicised and met with a lively response.</xsl:otherwise>
      </xsl:choose>
      <xsl:if test="$sat/@forms &gt; 0">
        <xsl:text> At the end, </xsl:text>
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$sat/@forms"/>
          <xsl:with-param name="one" select="'satisfaction evaluation form'"/>
          <xsl:with-param name="many" select="'satisfaction evaluation forms'"/>
        </xsl:call-template>
        <xsl:text> gave a satisfaction rate of </xsl:text>
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
        <xsl:text>.</xsl:text>
      </xsl:if>
    </p>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- III. Main results: opinions                                       -->
  <!-- ================================================================ -->
  <xsl:template name="results-opinions">
    <xsl:param name="roll"/>
    <xsl:variable name="op" select="r:opinions"/>
    <xsl:variable name="cats" select="$op/r:category[@count &gt; 0]"/>
    <xsl:variable name="named" select="$cats[@value != 'other']"/>
    <xsl:variable name="resolved" select="sum($op/r:status[@value = 'resolved']/@count)"/>
    <xsl:variable name="explained" select="sum($op/r:status[@value = 'explained']/@count)"/>
    <p>
      <xsl:choose>
        <xsl:when test="$op/@count &gt; 0">
          <xsl:text>First, during the visits residents raised </xsl:text>
          <xsl:call-template name="n">
            <xsl:with-param name="n" select="$op/@count"/>
            <xsl:with-param name="one" select="'opinion'"/>
            <xsl:with-param name="many" select="'opinions'"/>
          </xsl:call-template>
          <xsl:if test="$named">
            <xsl:text> on </xsl:text>
            <xsl:call-template name="list">
              <xsl:with-param name="items" select="$named"/>
              <xsl:with-param name="attr" select="'en'"/>
              <xsl:with-param name="last">
                <xsl:choose>
                  <xsl:when test="$cats[@value = 'other']">, </xsl:when>
                  <xsl:otherwise> and </xsl:otherwise>
                </xsl:choose>
              </xsl:with-param>
            </xsl:call-template>
            <xsl:if test="$cats[@value = 'other']"> and other matters</xsl:if>
          </xsl:if>
          <xsl:text>.</xsl:text>
          <xsl:if test="$op/@important &gt; 0">
            <xsl:text> Of these, </xsl:text>
            <xsl:value-of select="format-number($op/@important, '#,##0')"/>
            <xsl:call-template name="be">
              <xsl:with-param name="n" select="$op/@important"/>
              <xsl:with-param name="one" select="' was'"/>
              <xsl:with-param name="many" select="' were'"/>
            </xsl:call-template>
            <xsl:text> important</xsl:text>
            <xsl:if test="$op/@important-reported &gt; 0">
              <xsl:text>; sorted by category, </xsl:text>
              <xsl:call-template name="n">
                <xsl:with-param name="n" select="$op/@important-reported"/>
                <xsl:with-param name="one" select="'important and reasonable opinion'"/>
                <xsl:with-param name="many" select="'important and reasonable opinions'"/>
              </xsl:call-template>
              <xsl:call-template name="be">
                <xsl:with-param name="n" select="$op/@important-reported"/>
                <xsl:with-param name="one" select="' was'"/>
                <xsl:with-param name="many" select="' were'"/>
              </xsl:call-template>
              <xsl:choose>
                <xsl:when test="$roll"> reported to the street offices and the departments above them</xsl:when>
                <xsl:otherwise> reported to the street office</xsl:otherwise>
              </xsl:choose>
            </xsl:if>
            <xsl:text>.</xsl:text>
          </xsl:if>
          <xsl:if test="$resolved + $explained &gt; 0">
            <xsl:text> So far </xsl:text>
            <xsl:if test="$resolved &gt; 0">
              <xsl:value-of select="format-number($resolved, '#,##0')"/>
              <xsl:call-template name="be">
                <xsl:with-param name="n" select="$resolved"/>
                <xsl:with-param name="one" select="' has'"/>
                <xsl:with-param name="many" select="' have'"/>
              </xsl:call-template>
              <xsl:text> been resolved</xsl:text>
            </xsl:if>
            <xsl:if test="$resolved &gt; 0 and $explained &gt; 0"> and </xsl:if>
            <xsl:if test="$explained &gt; 0">
              <xsl:value-of select="format-number($explained, '#,##0')"/>
              <xsl:choose>
                <xsl:when test="$resolved &gt; 0"> explained and answered</xsl:when>
                <xsl:otherwise>
                  <xsl:call-template name="be">
                    <xsl:with-param name="n" select="$explained"/>
                    <xsl:with-param name="one" select="' has'"/>
                    <xsl:with-param name="many" select="' have'"/>
                  </xsl:call-template>
                  <xsl:text> been explained and answered</xsl:text>
                </xsl:otherwise>
              </xsl:choose>
            </xsl:if>
            <xsl:text>.</xsl:text>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          First, by listening to residents face to face, the cadres came to
          know their concerns and hopes.
        </xsl:otherwise>
      </xsl:choose>
    </p>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- IV. Problems and deficiencies: from the audit rule counts          -->
  <!-- ================================================================ -->
  <xsl:template name="problems">
    <xsl:variable name="a" select="r:audit/r:rule"/>
    <xsl:variable name="shows">
      <xsl:choose>
        <xsl:when test="@level = 'community'">The register shows </xsl:when>
        <xsl:otherwise>The registers show </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="few" select="sum($a[@value = 'cadre-few-visits']/@count)"/>
    <xsl:variable name="nocadre" select="sum($a[@value = 'no-responsible-cadre']/@count)"/>
    <xsl:variable name="notvisited" select="sum($a[@value = 'household-not-visited']/@count)"/>
    <xsl:variable name="special" select="sum($a[@value = 'special-group-not-followed-up']/@count)"/>
    <xsl:variable name="overdue" select="sum($a[@value = 'overdue-item']/@count)"/>
    <!-- every other rule is about how the register was kept -->
    <xsl:variable name="records" select="$a[@count &gt; 0][@value != 'cadre-few-visits' and @value != 'no-responsible-cadre' and @value != 'household-not-visited' and @value != 'special-group-not-followed-up' and @value != 'overdue-item']"/>
    <xsl:if test="$few &gt; 0">
      <p>
        <lead level="2">Insufficient attention from some cadres.</lead>
        <xsl:value-of select="$shows"/>
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$few"/>
          <xsl:with-param name="one" select="'cadre'"/>
          <xsl:with-param name="many" select="'cadres'"/>
        </xsl:call-template>
        with too few visits: not enough attention and effort went into the
        campaign, and the results are not yet evident.
      </p>
    </xsl:if>
    <xsl:if test="$nocadre &gt; 0">
      <p>
        <lead level="2">Unclear areas of responsibility.</lead>
        <xsl:value-of select="$shows"/>
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$nocadre"/>
          <xsl:with-param name="one" select="'household'"/>
          <xsl:with-param name="many" select="'households'"/>
        </xsl:call-template>
        with no responsible cadre, so areas of responsibility are unclear and
        the work is not followed through.
      </p>
    </xsl:if>
    <xsl:if test="$notvisited &gt; 0">
      <p>
        <lead level="2">Visits not yet complete.</lead>
        <xsl:value-of select="$shows"/>
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$notvisited"/>
          <xsl:with-param name="one" select="'household'"/>
          <xsl:with-param name="many" select="'households'"/>
        </xsl:call-template>
        <xsl:text> not yet visited.</xsl:text>
      </p>
    </xsl:if>
    <xsl:if test="$special &gt; 0">
      <p>
        <lead level="2">Special groups not followed up.</lead>
        <xsl:value-of select="$shows"/>
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$special"/>
          <xsl:with-param name="one" select="'household'"/>
          <xsl:with-param name="many" select="'households'"/>
        </xsl:call-template>
        <xsl:text> with members in special groups and no follow-up or regular visit after the first.</xsl:text>
      </p>
    </xsl:if>
    <xsl:if test="$overdue &gt; 0">
      <p>
        <lead level="2">Some matters handled too slowly.</lead>
        <xsl:value-of select="$shows"/>
        <xsl:call-template name="n">
          <xsl:with-param name="n" select="$overdue"/>
          <xsl:with-param name="one" select="'opinion or suggestion'"/>
          <xsl:with-param name="many" select="'opinions and suggestions'"/>
        </xsl:call-template>
        <xsl:text> still open after the time allowed.</xsl:text>
      </p>
    </xsl:if>
    <xsl:if test="$records">
      <p>
        <lead level="2">Records not yet in order.</lead>
        <xsl:text>The audit found </xsl:text>
        <xsl:for-each select="$records">
          <xsl:if test="position() &gt; 1">; </xsl:if>
          <xsl:value-of select="@en"/>
          <xsl:text>: </xsl:text>
          <xsl:value-of select="format-number(@count, '#,##0')"/>
        </xsl:for-each>
        <xsl:text>. These need checking and correcting.</xsl:text>
      </p>
    </xsl:if>
    <!-- findings beyond the listing cap: say how many, and where they all are -->
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
    <xsl:if test="not($a[@count &gt; 0]) and not(r:narrative/r:section[@value = 'problems']/r:p)">
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
    <xsl:value-of select="format-number($part * 100 div $whole, '0.0')"/>
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

  <!-- Collapse the white space the layout of this file leaves in text. -->
  <xsl:template match="s:title | s:unit | s:date" mode="number">
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
