<?xml version="1.0" encoding="UTF-8"?>
<!--
  summary.xsl (zh) — the wording of the activity summary (活动总结).

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
  Headings are written without numbers and numbered at the end (一、 （一）
  1. （1）), so a part that is left out leaves no gap.

  Sentences are built from clauses: a clause whose figure is zero is left
  out, so no sentence says "0 条". Labels of enumerated values (categories,
  service types, groups…) are the zh labels the return carries.
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
  <!-- Between a run-in heading and its text (en: a space). -->
  <xsl:variable name="lead-sep" select="''"/>

  <!-- ================================================================ -->
  <!-- Entry: draft the text, then number its headings.                  -->
  <!-- ================================================================ -->
  <xsl:template match="/">
    <xsl:if test="not($unit)">
      <xsl:message terminate="yes">
        <xsl:text>返回文件中没有层级为“</xsl:text>
        <xsl:value-of select="$level"/>
        <xsl:text>”、代码为“</xsl:text>
        <xsl:value-of select="$code"/>
        <xsl:text>”的单位</xsl:text>
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

    <summary lang="zh" level="{@level}" code="{@code}">
      <title>
        <xsl:value-of select="$name"/>
        <xsl:text>“</xsl:text>
        <xsl:value-of select="$campaign/@title"/>
        <xsl:text>”活动总结</xsl:text>
      </title>

      <!-- Opening (the mobilisation meeting is told once, under 二) -->
      <p>
        <xsl:text>按照上级关于在城市街道社区开展“</xsl:text>
        <xsl:value-of select="$campaign/@title"/>
        <xsl:text>”活动的部署要求，</xsl:text>
        <xsl:choose>
          <xsl:when test="not($roll)">
            <xsl:value-of select="@street"/>
            <xsl:value-of select="@name"/>
            <xsl:text>结合社区实际，对活动进行了具体安排部署。</xsl:text>
          </xsl:when>
          <xsl:otherwise>
            <xsl:choose>
              <xsl:when test="@level = 'all'">本次汇总的</xsl:when>
              <xsl:otherwise><xsl:value-of select="@name"/>所辖</xsl:otherwise>
            </xsl:choose>
            <xsl:call-template name="communities"/>
            <xsl:text>结合各自实际，对活动进行了具体安排部署。</xsl:text>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:text>活动于</xsl:text>
        <xsl:call-template name="date-range"/>
        <xsl:text>开展，现将</xsl:text>
        <xsl:choose>
          <xsl:when test="not($roll)">我社区</xsl:when>
          <xsl:when test="@communities = 1">该社区</xsl:when>
          <xsl:otherwise>各社区</xsl:otherwise>
        </xsl:choose>
        <xsl:text>“</xsl:text>
        <xsl:value-of select="$campaign/@title"/>
        <xsl:text>”活动开展情况</xsl:text>
        <xsl:choose>
          <xsl:when test="$roll">汇总如下：</xsl:when>
          <xsl:otherwise>总结如下：</xsl:otherwise>
        </xsl:choose>
      </p>

      <!-- A partial return (build with allow-partial) names what it left out -->
      <xsl:variable name="excluded" select="/r:return/r:sources/r:source[@included = 'false']"/>
      <xsl:if test="/r:return/@partial = 'true' and $excluded">
        <p>
          <xsl:text>说明：以下</xsl:text>
          <xsl:value-of select="count($excluded)"/>
          <xsl:text>份登记表未通过校验，未计入本总结：</xsl:text>
          <xsl:for-each select="$excluded">
            <xsl:if test="position() &gt; 1">、</xsl:if>
            <xsl:value-of select="@file"/>
          </xsl:for-each>
          <xsl:text>。</xsl:text>
        </p>
      </xsl:if>

      <!-- 一、走访范围 -->
      <h level="1">走访范围</h>
      <xsl:call-template name="scope"><xsl:with-param name="roll" select="$roll"/></xsl:call-template>

      <!-- 二、主要做法: the register's own words replace the stock
           paragraphs （一）（二）（三）; the figures follow in one paragraph -->
      <h level="1">主要做法</h>
      <xsl:choose>
        <xsl:when test="$narr[@value = 'practices']/r:p[normalize-space()]">
          <xsl:for-each select="$narr[@value = 'practices']/r:p[normalize-space()]">
            <p><xsl:value-of select="."/></p>
          </xsl:for-each>
          <xsl:variable name="facts">
            <xsl:call-template name="fact-files"/>
            <xsl:call-template name="fact-elderly"><xsl:with-param name="roll" select="$roll"/></xsl:call-template>
            <xsl:call-template name="fact-items"/>
          </xsl:variable>
          <xsl:if test="exsl:node-set($facts)/s:c">
            <p>
              <xsl:text>据统计，活动中</xsl:text>
              <xsl:call-template name="join">
                <xsl:with-param name="items" select="exsl:node-set($facts)/s:c"/>
                <xsl:with-param name="sep" select="'；'"/>
              </xsl:call-template>
              <xsl:text>。</xsl:text>
            </p>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="practice-leadership"><xsl:with-param name="roll" select="$roll"/></xsl:call-template>
          <xsl:call-template name="practice-plan"><xsl:with-param name="roll" select="$roll"/></xsl:call-template>
          <xsl:call-template name="practice-collect"/>
        </xsl:otherwise>
      </xsl:choose>

      <!-- 三、主要成效: the figures, then the register's words or the stock -->
      <h level="1">主要成效</h>
      <xsl:variable name="narr-results" select="$narr[@value = 'results']/r:p[normalize-space()]"/>
      <xsl:if test="not($narr-results)">
        <p>
          <xsl:text>通过</xsl:text>
          <xsl:choose>
            <xsl:when test="$roll">各社区</xsl:when>
            <xsl:otherwise>社区</xsl:otherwise>
          </xsl:choose>
          <xsl:text>干部的共同努力，“</xsl:text>
          <xsl:value-of select="$campaign/@title"/>
          <xsl:text>”活动取得了较好成效。</xsl:text>
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
          <p>活动把走访落到实处，拉近了干部与群众的距离，转变了社区干部的工作作风，增强了服务意识，加深了居民与社区之间的感情，提高了做好群众工作的本领。</p>
        </xsl:otherwise>
      </xsl:choose>

      <!-- 四、存在的问题和不足: the register's words, or one item per
           audit rule with findings (never both numbering schemes) -->
      <h level="1">存在的问题和不足</h>
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
              <xsl:text>从审核情况看，</xsl:text>
              <xsl:call-template name="join">
                <xsl:with-param name="items" select="exsl:node-set($facts)/s:c"/>
                <xsl:with-param name="sep" select="'；'"/>
              </xsl:call-template>
              <xsl:text>。</xsl:text>
            </p>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="problems"/>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:call-template name="not-listed"/>

      <!-- 五、下一步打算: the register's plans, or the stock paragraph -->
      <h level="1">下一步打算</h>
      <xsl:choose>
        <xsl:when test="$narr[@value = 'plans']/r:p[normalize-space()]">
          <xsl:for-each select="$narr[@value = 'plans']/r:p[normalize-space()]">
            <p><xsl:value-of select="."/></p>
          </xsl:for-each>
        </xsl:when>
        <xsl:otherwise>
          <p>
            <xsl:choose>
              <xsl:when test="$roll">各社区</xsl:when>
              <xsl:otherwise>社区</xsl:otherwise>
            </xsl:choose>
            <xsl:text>将认真总结活动经验，对查找出的问题逐项整改、限期解决，把走访中形成的好做法坚持下去，不断创新社区工作方法，持续提升为民服务水平。</xsl:text>
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
  <!-- 一、走访范围                                                       -->
  <!-- ================================================================ -->
  <xsl:template name="scope">
    <xsl:param name="roll"/>
    <xsl:variable name="hh" select="r:households"/>
    <xsl:variable name="vis" select="r:visits"/>
    <xsl:variable name="cad" select="r:cadres"/>
    <xsl:variable name="clauses">
      <xsl:choose>
        <xsl:when test="$hh/@visited &gt; 0">
          <c>
            <xsl:text>共走访辖区住户</xsl:text>
            <xsl:value-of select="$hh/@visited"/>
            <xsl:text>户</xsl:text>
            <xsl:variable name="dw" select="$hh/r:dwelling[@visited &gt; 0]"/>
            <xsl:choose>
              <xsl:when test="count($dw) &gt; 1">
                <xsl:text>，其中</xsl:text>
                <xsl:for-each select="$dw">
                  <xsl:if test="position() &gt; 1">、</xsl:if>
                  <xsl:value-of select="@zh"/>
                  <xsl:value-of select="@visited"/>
                  <xsl:text>户</xsl:text>
                </xsl:for-each>
              </xsl:when>
              <xsl:when test="count($dw) = 1">
                <xsl:text>，均为</xsl:text>
                <xsl:value-of select="$dw/@zh"/>
              </xsl:when>
            </xsl:choose>
            <!-- every household visited: said in words, so that no
                 sentence gives one number twice (15户 … 15户的100%) -->
            <xsl:choose>
              <xsl:when test="$hh/@registered &gt; 0 and $hh/@visited = $hh/@registered">
                <xsl:text>，登记在册的住户全部走访到位</xsl:text>
              </xsl:when>
              <xsl:when test="$hh/@registered &gt; 0">
                <xsl:text>，占登记住户</xsl:text>
                <xsl:value-of select="$hh/@registered"/>
                <xsl:text>户的</xsl:text>
                <xsl:call-template name="percent">
                  <xsl:with-param name="part" select="$hh/@visited"/>
                  <xsl:with-param name="whole" select="$hh/@registered"/>
                </xsl:call-template>
              </xsl:when>
            </xsl:choose>
          </c>
        </xsl:when>
        <xsl:when test="$hh/@registered &gt; 0">
          <c>
            <xsl:text>登记住户</xsl:text>
            <xsl:value-of select="$hh/@registered"/>
            <xsl:text>户，尚未入户走访</xsl:text>
          </c>
        </xsl:when>
      </xsl:choose>
      <xsl:if test="$vis/@count &gt; 0">
        <c>
          <xsl:text>入户走访</xsl:text>
          <xsl:value-of select="$vis/@count"/>
          <xsl:text>次</xsl:text>
          <xsl:variable name="k" select="$vis/r:kind[@count &gt; 0]"/>
          <xsl:choose>
            <xsl:when test="count($k) &gt; 1">
              <xsl:text>，其中</xsl:text>
              <xsl:for-each select="$k">
                <xsl:if test="position() &gt; 1">、</xsl:if>
                <xsl:value-of select="@zh"/>
                <xsl:value-of select="@count"/>
                <xsl:text>次</xsl:text>
              </xsl:for-each>
            </xsl:when>
            <xsl:when test="count($k) = 1">
              <xsl:text>，均为</xsl:text>
              <xsl:value-of select="$k/@zh"/>
            </xsl:when>
          </xsl:choose>
        </c>
      </xsl:if>
      <xsl:if test="r:forms/@count &gt; 0">
        <c>
          <xsl:text>填写民情登记表</xsl:text>
          <xsl:value-of select="r:forms/@count"/>
          <xsl:text>份</xsl:text>
        </c>
      </xsl:if>
    </xsl:variable>
    <p>
      <xsl:text>本着“进百家门、知百家情、解百家忧、办百家事、暖百家心”的要求，</xsl:text>
      <xsl:choose>
        <xsl:when test="$roll">各社区</xsl:when>
        <xsl:otherwise>社区</xsl:otherwise>
      </xsl:choose>
      <xsl:choose>
        <xsl:when test="$cad/@taking-part &gt; 0">
          <xsl:if test="$roll">共</xsl:if>
          <xsl:text>组织</xsl:text>
          <xsl:value-of select="$cad/@taking-part"/>
          <xsl:text>名干部深入居民群众</xsl:text>
        </xsl:when>
        <xsl:otherwise>干部深入居民群众</xsl:otherwise>
      </xsl:choose>
      <xsl:choose>
        <xsl:when test="exsl:node-set($clauses)/s:c">
          <xsl:text>，</xsl:text>
          <xsl:call-template name="join">
            <xsl:with-param name="items" select="exsl:node-set($clauses)/s:c"/>
            <xsl:with-param name="sep" select="'；'"/>
          </xsl:call-template>
          <xsl:text>。</xsl:text>
        </xsl:when>
        <xsl:otherwise>，走访工作正在开展。</xsl:otherwise>
      </xsl:choose>
    </p>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- 二、主要做法 (stock paragraphs, used when the register is silent)   -->
  <!-- ================================================================ -->

  <!-- （一）the mobilisation meeting and the working group -->
  <xsl:template name="practice-leadership">
    <xsl:param name="roll"/>
    <xsl:variable name="cad" select="r:cadres"/>
    <p>
      <lead level="2">领导重视，落实责任。</lead>
      <xsl:text>按照活动安排，</xsl:text>
      <xsl:choose>
        <xsl:when test="$roll">各社区</xsl:when>
        <xsl:otherwise>社区</xsl:otherwise>
      </xsl:choose>
      <xsl:text>及时召开全体干部动员会，传达有关精神，学习走访文件。同时</xsl:text>
      <xsl:choose>
        <xsl:when test="$cad/@secretary-leads = 'true' or $cad/@secretary-leads = '1'">
          <xsl:text>成立了以社区书记为组长的工作小组</xsl:text>
        </xsl:when>
        <xsl:otherwise>
          <xsl:text>成立了活动工作小组</xsl:text>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:text>，要求工作小组认真梳理走访中发现的群众热点难点问题，查找问题原因，安排专人负责或向有关部门反映，督促在最短时间内解决或合理解释答复。</xsl:text>
    </p>
  </xsl:template>

  <!-- （二）the plan, special files for special groups, elderly served -->
  <xsl:template name="practice-plan">
    <xsl:param name="roll"/>
    <xsl:variable name="grp" select="r:groups"/>
    <!-- the "elderly" row stands for the elderly-* groups together -->
    <xsl:variable name="elderly" select="$grp/r:group[@value = 'elderly'][@members &gt; 0]"/>
    <xsl:variable name="special" select="$grp/r:group[not(starts-with(@value, 'elderly'))][@members &gt; 0]"/>
    <p>
      <lead level="2">制定方案，明确任务。</lead>
      <xsl:choose>
        <xsl:when test="$roll">各社区</xsl:when>
        <xsl:otherwise>社区</xsl:otherwise>
      </xsl:choose>
      <xsl:text>制定了“</xsl:text>
      <xsl:value-of select="$campaign/@title"/>
      <xsl:text>”活动实施方案，要求全体干部以此次活动为契机，了解群众所需、解决群众所忧、为群众办实事，进一步提高群众对社区服务的满意度。活动从居民群众最直接、最关心、最现实的利益问题入手，收集民情民意，建立分类民情档案</xsl:text>
      <xsl:if test="$elderly or $special">
        <xsl:text>，重点梳理</xsl:text>
        <!-- the elderly first, then the other groups in schema order -->
        <xsl:call-template name="labels"><xsl:with-param name="items" select="$elderly"/></xsl:call-template>
        <xsl:if test="$elderly and $special">、</xsl:if>
        <xsl:call-template name="labels"><xsl:with-param name="items" select="$special"/></xsl:call-template>
        <xsl:text>等群体的合理诉求，</xsl:text>
        <xsl:variable name="files">
          <xsl:call-template name="fact-files"/>
        </xsl:variable>
        <xsl:value-of select="exsl:node-set($files)/s:c"/>
        <xsl:text>，实行回访和定期走访</xsl:text>
      </xsl:if>
      <xsl:text>。</xsl:text>
      <xsl:variable name="care">
        <xsl:call-template name="fact-elderly"><xsl:with-param name="roll" select="$roll"/></xsl:call-template>
      </xsl:variable>
      <xsl:if test="exsl:node-set($care)/s:c">
        <xsl:if test="sum($grp/r:group[@value = 'elderly']/@served) &gt; 0">
          <xsl:text>针对辖区老年人的实际需求，</xsl:text>
        </xsl:if>
        <xsl:choose>
          <xsl:when test="$roll">各社区</xsl:when>
          <xsl:otherwise>社区</xsl:otherwise>
        </xsl:choose>
        <xsl:value-of select="exsl:node-set($care)/s:c"/>
        <xsl:text>。</xsl:text>
      </xsl:if>
    </p>
  </xsl:template>

  <!-- （三）what was collected: 意见建议, satisfaction forms -->
  <xsl:template name="practice-collect">
    <xsl:variable name="facts">
      <xsl:call-template name="fact-items"/>
    </xsl:variable>
    <p>
      <lead level="2">深入走访，广纳民意。</lead>
      <xsl:text>活动期间，干部逐户上门听取群众呼声</xsl:text>
      <xsl:for-each select="exsl:node-set($facts)/s:c">
        <xsl:choose>
          <xsl:when test="position() = 1">，</xsl:when>
          <xsl:otherwise>；</xsl:otherwise>
        </xsl:choose>
        <xsl:value-of select="."/>
      </xsl:for-each>
      <xsl:text>。</xsl:text>
    </p>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- Figures of 二, as clauses (<c>), each stated once: in the stock     -->
  <!-- paragraphs above, or after the register's own words                -->
  <!-- ================================================================ -->

  <!-- 为困难群体和特殊群体建立民情专档36户43人 -->
  <xsl:template name="fact-files">
    <xsl:variable name="grp" select="r:groups"/>
    <c>
      <xsl:text>为困难群体和特殊群体建立民情专档</xsl:text>
      <xsl:if test="$grp/@households &gt; 0">
        <xsl:value-of select="$grp/@households"/>
        <xsl:text>户</xsl:text>
        <xsl:value-of select="$grp/@members"/>
        <xsl:text>人</xsl:text>
      </xsl:if>
    </c>
  </xsl:template>

  <!-- 为30名三无老人、独居老人、空巢老人提供……等关爱服务，共开展服务49人次 -->
  <xsl:template name="fact-elderly">
    <xsl:param name="roll"/>
    <xsl:variable name="grp" select="r:groups"/>
    <xsl:variable name="elderly-kinds" select="$grp/r:group[starts-with(@value, 'elderly-')][@members &gt; 0]"/>
    <xsl:variable name="elderly-served" select="sum($grp/r:group[@value = 'elderly']/@served)"/>
    <xsl:variable name="types" select="r:services/r:type[@count &gt; 0]"/>
    <xsl:choose>
      <xsl:when test="$elderly-served &gt; 0">
        <c>
          <xsl:text>为</xsl:text>
          <xsl:value-of select="$elderly-served"/>
          <xsl:text>名</xsl:text>
          <xsl:choose>
            <xsl:when test="$elderly-kinds">
              <xsl:call-template name="labels"><xsl:with-param name="items" select="$elderly-kinds"/></xsl:call-template>
            </xsl:when>
            <xsl:otherwise>老年人</xsl:otherwise>
          </xsl:choose>
          <xsl:text>提供</xsl:text>
          <xsl:if test="$types">
            <xsl:call-template name="labels"><xsl:with-param name="items" select="$types"/></xsl:call-template>
            <xsl:text>等</xsl:text>
          </xsl:if>
          <xsl:text>关爱服务</xsl:text>
          <xsl:if test="r:services/@count &gt; 0">
            <xsl:text>，连同其他特殊群体共服务</xsl:text>
            <xsl:value-of select="r:services/@members"/>
            <xsl:text>人、</xsl:text>
            <xsl:value-of select="r:services/@count"/>
            <xsl:text>人次</xsl:text>
          </xsl:if>
        </c>
      </xsl:when>
      <xsl:when test="r:services/@count &gt; 0">
        <c>
          <xsl:text>通过</xsl:text>
          <xsl:call-template name="labels"><xsl:with-param name="items" select="$types"/></xsl:call-template>
          <xsl:text>等服务为</xsl:text>
          <xsl:value-of select="r:services/@members"/>
          <xsl:text>名群众解决实际困难，共服务</xsl:text>
          <xsl:value-of select="r:services/@count"/>
          <xsl:text>人次</xsl:text>
        </c>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- 共收集意见建议130条，其中意见100条、建议30条 / 收回满意度测评表… -->
  <xsl:template name="fact-items">
    <xsl:variable name="o" select="number(r:opinions/@count)"/>
    <xsl:variable name="s" select="number(r:suggestions/@count)"/>
    <xsl:variable name="sat" select="r:satisfaction"/>
    <xsl:choose>
      <xsl:when test="$o &gt; 0 and $s &gt; 0">
        <c>
          <xsl:text>共收集意见建议</xsl:text>
          <xsl:value-of select="$o + $s"/>
          <xsl:text>条，其中意见</xsl:text>
          <xsl:value-of select="$o"/>
          <xsl:text>条、建议</xsl:text>
          <xsl:value-of select="$s"/>
          <xsl:text>条</xsl:text>
        </c>
      </xsl:when>
      <xsl:when test="$o &gt; 0">
        <c>共收集意见<xsl:value-of select="$o"/>条</c>
      </xsl:when>
      <xsl:when test="$s &gt; 0">
        <c>共收集建议<xsl:value-of select="$s"/>条</c>
      </xsl:when>
    </xsl:choose>
    <xsl:if test="$sat/@forms &gt; 0">
      <c>
        <xsl:text>收回满意度测评表</xsl:text>
        <xsl:value-of select="$sat/@forms"/>
        <xsl:text>份，群众满意率</xsl:text>
        <xsl:call-template name="percent">
          <xsl:with-param name="part" select="$sat/@satisfied"/>
          <xsl:with-param name="whole" select="$sat/@forms"/>
        </xsl:call-template>
        <xsl:variable name="rt" select="$sat/r:rating[@count &gt; 0]"/>
        <xsl:if test="$rt">
          <xsl:text>（</xsl:text>
          <xsl:for-each select="$rt">
            <xsl:if test="position() &gt; 1">、</xsl:if>
            <xsl:value-of select="@zh"/>
            <xsl:value-of select="@count"/>
            <xsl:text>份</xsl:text>
          </xsl:for-each>
          <xsl:text>）</xsl:text>
        </xsl:if>
      </c>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- 三、主要成效: what the opinions and suggestions were about, where  -->
  <!-- the important opinions went (the return's reported/@to), progress  -->
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
          <xsl:text>从收集情况看，群众反映的</xsl:text>
          <xsl:choose>
            <xsl:when test="$op/@count &gt; 0 and $sg/@count &gt; 0">意见建议</xsl:when>
            <xsl:when test="$op/@count &gt; 0">意见</xsl:when>
            <xsl:otherwise>建议</xsl:otherwise>
          </xsl:choose>
          <xsl:choose>
            <xsl:when test="$cats">
              <xsl:text>主要涉及</xsl:text>
              <xsl:call-template name="labels"><xsl:with-param name="items" select="$cats"/></xsl:call-template>
              <xsl:text>等方面</xsl:text>
            </xsl:when>
            <xsl:otherwise>涉及群众生活的各个方面</xsl:otherwise>
          </xsl:choose>
          <xsl:text>。</xsl:text>
          <xsl:if test="$imp &gt; 0">
            <xsl:text>其中重要意见</xsl:text>
            <xsl:value-of select="$imp"/>
            <xsl:text>条，经分类汇总，</xsl:text>
            <xsl:if test="$roll and $rep &gt; 0">各社区</xsl:if>
            <xsl:choose>
              <xsl:when test="$rep = 0">正在研究办理</xsl:when>
              <xsl:otherwise>
                <xsl:choose>
                  <xsl:when test="$rep = $imp">已全部上报</xsl:when>
                  <xsl:otherwise>
                    <xsl:text>已将其中</xsl:text>
                    <xsl:value-of select="$rep"/>
                    <xsl:text>条上报</xsl:text>
                  </xsl:otherwise>
                </xsl:choose>
                <!-- where to: the register's `to`, by name; a street's own
                     office is 本街道 (the street never reports to itself) -->
                <xsl:if test="count($dest) &gt; 1">（</xsl:if>
                <xsl:for-each select="$dest">
                  <xsl:if test="position() &gt; 1">、</xsl:if>
                  <xsl:choose>
                    <xsl:when test="$unit/@level = 'street' and contains(@to, $unit/@name)">本街道</xsl:when>
                    <xsl:otherwise><xsl:value-of select="@to"/></xsl:otherwise>
                  </xsl:choose>
                  <xsl:if test="count($dest) &gt; 1">
                    <xsl:value-of select="@important"/>
                    <xsl:text>条</xsl:text>
                  </xsl:if>
                </xsl:for-each>
                <xsl:if test="count($dest) &gt; 1">）</xsl:if>
              </xsl:otherwise>
            </xsl:choose>
            <xsl:text>。</xsl:text>
          </xsl:if>
          <xsl:if test="$resolved + $explained &gt; 0">
            <xsl:text>截至目前，</xsl:text>
            <xsl:if test="$resolved &gt; 0">
              <xsl:text>已解决</xsl:text>
              <xsl:value-of select="$resolved"/>
              <xsl:text>条</xsl:text>
            </xsl:if>
            <xsl:if test="$resolved &gt; 0 and $explained &gt; 0">、</xsl:if>
            <xsl:if test="$explained &gt; 0">
              <xsl:text>解释答复</xsl:text>
              <xsl:value-of select="$explained"/>
              <xsl:text>条</xsl:text>
            </xsl:if>
            <xsl:if test="$open &gt; 0">
              <xsl:text>，其余</xsl:text>
              <xsl:value-of select="$open"/>
              <xsl:text>条正在办理</xsl:text>
            </xsl:if>
            <xsl:text>。</xsl:text>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <xsl:text>通过入户走访，干部面对面倾听群众呼声，及时掌握了辖区居民的所思所盼。</xsl:text>
        </xsl:otherwise>
      </xsl:choose>
    </p>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- 四、存在的问题和不足: from the audit rule counts                     -->
  <!-- ================================================================ -->

  <!-- The findings as clauses (<c>), one per rule with findings. -->
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
      <c lead="个别干部重视不够。" tail="，对活动重视不够、投入精力不足，工作不到位，效果不明显">有<xsl:value-of select="$few"/>名干部参与走访次数偏少</c>
    </xsl:if>
    <xsl:if test="$nocadre &gt; 0">
      <c lead="责任区不清。" tail="，存在责任区不清、工作落实不到位的问题">有<xsl:value-of select="$nocadre"/>户住户未明确责任干部</c>
    </xsl:if>
    <xsl:if test="$notvisited &gt; 0">
      <c lead="走访还不够全面。" tail="">登记在册的住户中尚有<xsl:value-of select="$notvisited"/>户未入户走访</c>
    </xsl:if>
    <xsl:if test="$special &gt; 0">
      <c lead="特殊群体跟踪服务不到位。" tail="">有<xsl:value-of select="$special"/>户特殊群体家庭在初访后未进行回访或定期走访</c>
    </xsl:if>
    <xsl:if test="$overdue &gt; 0">
      <c lead="部分事项办理不够及时。" tail="">有<xsl:value-of select="$overdue"/>条意见建议超过办理时限仍未办结</c>
    </xsl:if>
    <xsl:if test="$records">
      <c lead="登记工作还不够规范。" tail="，需进一步核实更正">
        <xsl:text>登记表中有</xsl:text>
        <xsl:for-each select="$records">
          <xsl:if test="position() &gt; 1">、</xsl:if>
          <xsl:value-of select="@zh"/>
          <xsl:value-of select="@count"/>
          <xsl:text>处</xsl:text>
        </xsl:for-each>
      </c>
    </xsl:if>
  </xsl:template>

  <!-- Findings beyond the return's listing cap: how many, and where they
       all are (any 四, narrated or not). -->
  <xsl:template name="not-listed">
    <xsl:variable name="codes" select="@code[../@level = 'community'] | r:covers/r:community/@code"/>
    <xsl:variable name="notlisted" select="sum(/r:return/r:findings/r:notListed[@community = $codes]/@count)"/>
    <xsl:if test="$notlisted &gt; 0">
      <p>
        <xsl:text>审核发现较多，发现明细中每条规则、每个社区至多列出</xsl:text>
        <xsl:value-of select="/r:return/r:findings/@limit"/>
        <xsl:text>条，另有</xsl:text>
        <xsl:value-of select="$notlisted"/>
        <xsl:text>条未列出，全部发现见 findings.csv。</xsl:text>
      </p>
    </xsl:if>
  </xsl:template>

  <!-- The register is silent: one numbered item per finding, or a line. -->
  <xsl:template name="problems">
    <xsl:variable name="facts">
      <xsl:call-template name="problem-facts"/>
    </xsl:variable>
    <xsl:for-each select="exsl:node-set($facts)/s:c">
      <p>
        <lead level="2"><xsl:value-of select="@lead"/></lead>
        <xsl:value-of select="."/>
        <xsl:value-of select="@tail"/>
        <xsl:text>。</xsl:text>
      </p>
    </xsl:for-each>
    <xsl:if test="not(exsl:node-set($facts)/s:c)">
      <p>活动总体开展顺利，审核中未发现突出问题，但走访的深度和服务的精细化程度仍有提升空间。</p>
    </xsl:if>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- Helpers                                                            -->
  <!-- ================================================================ -->

  <!-- 红星社区、金山社区共2个社区 (at most ten names, then 等) -->
  <xsl:template name="communities">
    <xsl:variable name="c" select="r:covers/r:community"/>
    <xsl:for-each select="$c[position() &lt;= 10]">
      <xsl:if test="position() &gt; 1">、</xsl:if>
      <xsl:value-of select="@name"/>
    </xsl:for-each>
    <xsl:if test="count($c) &gt; 10">等</xsl:if>
    <xsl:if test="@communities &gt; 1">
      <xsl:text>共</xsl:text>
      <xsl:value-of select="@communities"/>
      <xsl:text>个社区</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- A、B、C from the zh labels of ITEMS -->
  <xsl:template name="labels">
    <xsl:param name="items"/>
    <xsl:for-each select="$items">
      <xsl:if test="position() &gt; 1">、</xsl:if>
      <xsl:value-of select="@zh"/>
    </xsl:for-each>
  </xsl:template>

  <!-- the text of ITEMS joined by SEP -->
  <xsl:template name="join">
    <xsl:param name="items"/>
    <xsl:param name="sep"/>
    <xsl:for-each select="$items">
      <xsl:if test="position() &gt; 1"><xsl:value-of select="$sep"/></xsl:if>
      <xsl:value-of select="."/>
    </xsl:for-each>
  </xsl:template>

  <!-- PART / WHOLE as a percentage with one decimal: 93.8% -->
  <xsl:template name="percent">
    <xsl:param name="part"/>
    <xsl:param name="whole"/>
    <xsl:value-of select="format-number($part * 100 div $whole, '0.#')"/>
    <xsl:text>%</xsl:text>
  </xsl:template>

  <!-- 2011-11-10 → 2011年11月10日 -->
  <xsl:template name="date">
    <xsl:param name="d"/>
    <xsl:param name="year" select="true()"/>
    <xsl:if test="$year">
      <xsl:value-of select="substring($d, 1, 4)"/>
      <xsl:text>年</xsl:text>
    </xsl:if>
    <xsl:value-of select="number(substring($d, 6, 2))"/>
    <xsl:text>月</xsl:text>
    <xsl:value-of select="number(substring($d, 9, 2))"/>
    <xsl:text>日</xsl:text>
  </xsl:template>

  <!-- 2011年9月1日至10月31日 -->
  <xsl:template name="date-range">
    <xsl:call-template name="date">
      <xsl:with-param name="d" select="$campaign/@start"/>
    </xsl:call-template>
    <xsl:text>至</xsl:text>
    <xsl:call-template name="date">
      <xsl:with-param name="d" select="$campaign/@end"/>
      <xsl:with-param name="year" select="substring($campaign/@start, 1, 4) != substring($campaign/@end, 1, 4)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- ================================================================ -->
  <!-- Numbering: 一、 （一） 1. （1）                                       -->
  <!-- ================================================================ -->
  <xsl:template match="s:summary | s:signature" mode="number">
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates select="*" mode="number"/>
    </xsl:copy>
  </xsl:template>

  <!-- Text is written with no stray white space: collapse it. -->
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
      <xsl:when test="$level = 1">
        <xsl:call-template name="zh-numeral"><xsl:with-param name="n" select="$n"/></xsl:call-template>
        <xsl:text>、</xsl:text>
      </xsl:when>
      <xsl:when test="$level = 2">
        <xsl:text>（</xsl:text>
        <xsl:call-template name="zh-numeral"><xsl:with-param name="n" select="$n"/></xsl:call-template>
        <xsl:text>）</xsl:text>
      </xsl:when>
      <xsl:when test="$level = 3">
        <xsl:value-of select="$n"/>
        <xsl:text>.</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>（</xsl:text>
        <xsl:value-of select="$n"/>
        <xsl:text>）</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 1 → 一, 10 → 十, 21 → 二十一 (1 to 99) -->
  <xsl:template name="zh-numeral">
    <xsl:param name="n"/>
    <xsl:variable name="d" select="'一二三四五六七八九'"/>
    <xsl:choose>
      <xsl:when test="$n &lt; 10">
        <xsl:value-of select="substring($d, $n, 1)"/>
      </xsl:when>
      <xsl:when test="$n &lt; 100">
        <xsl:if test="floor($n div 10) &gt; 1">
          <xsl:value-of select="substring($d, floor($n div 10), 1)"/>
        </xsl:if>
        <xsl:text>十</xsl:text>
        <xsl:if test="$n mod 10 &gt; 0">
          <xsl:value-of select="substring($d, $n mod 10, 1)"/>
        </xsl:if>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$n"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
