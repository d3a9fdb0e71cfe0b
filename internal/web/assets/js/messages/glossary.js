// Messages of the glossary page (pages/glossary.js): the reviewed
// renderings of indicator names, units and scientific terms (GET
// /api/glossary).
export default {
  en: {
    title: 'Glossary',
    lede: 'The words this dashboard uses for its indicators, units and scientific terms, in English, Traditional Chinese and Simplified Chinese, with the reason for each rendering.',
    missing: 'This server does not publish the glossary (no /api/glossary endpoint).',
    error: 'Loading the glossary',
    filter: 'Filter',
    count_one: '{{count}} term shown',
    count_other: '{{count}} terms shown',
    none: 'No term matches “{{q}}”.',
    source: 'Checked against: {{source}}',
    group: {term: 'Scientific terms', unit: 'Units', indicator: 'Indicators', kind: 'Kinds of records', entity: 'Countries and regions', other: 'Other'},
    col: {id: 'Key', note: 'Note'},
  },
  'zh-Hant': {
    title: '詞彙表',
    lede: '本儀表板用於指標、單位與科學術語的詞彙，以英文、繁體中文與簡體中文列出，並說明每種譯法的依據。',
    missing: '此伺服器不提供詞彙表（沒有 /api/glossary 端點）。',
    error: '載入詞彙表',
    filter: '篩選',
    count_other: '顯示 {{count}} 個詞彙',
    none: '沒有符合「{{q}}」的詞彙。',
    source: '核對依據：{{source}}',
    group: {term: '科學術語', unit: '單位', indicator: '指標', kind: '紀錄類型', entity: '國家與地區', other: '其他'},
    col: {id: '鍵值', note: '說明'},
  },
  'zh-Hans': {
    title: '术语表',
    lede: '本仪表板用于指标、单位与科学术语的词汇，以英文、繁体中文与简体中文列出，并说明每种译法的依据。',
    missing: '此服务器不提供术语表（没有 /api/glossary 端点）。',
    error: '加载术语表',
    filter: '筛选',
    count_other: '显示 {{count}} 个术语',
    none: '没有符合“{{q}}”的术语。',
    source: '核对依据：{{source}}',
    group: {term: '科学术语', unit: '单位', indicator: '指标', kind: '纪录类型', entity: '国家与地区', other: '其他'},
    col: {id: '键值', note: '说明'},
  },
};
