// Messages of the list of indicators (pages/indicators.js).
export default {
  en: {
    title: 'Indicators',
    lede: 'Every stored indicator with its unit, frequency, coverage and source. Global indicators open their chart; national ones open their ranking.',
    global: 'Global',
    national: 'National',
    other: 'Other versions',
    col: {indicator: 'Indicator', title: 'Title', unit: 'Unit', frequency: 'Frequency', coverage: 'Coverage', source: 'Source'},
    freq: {daily: 'daily', weekly: 'weekly', monthly: 'monthly', annual: 'annual', irregular: 'irregular'},
    range: '{{from}} – {{to}}',
  },
  'zh-Hant': {
    title: '指標',
    lede: '所有已儲存的指標，附單位、頻率、涵蓋期間與來源。全球指標會開啟其圖表；國家指標會開啟其排名。',
    global: '全球',
    national: '國家',
    other: '其他版本',
    col: {indicator: '指標', title: '名稱', unit: '單位', frequency: '頻率', coverage: '涵蓋期間', source: '來源'},
    freq: {daily: '每日', weekly: '每週', monthly: '每月', annual: '每年', irregular: '不定期'},
    range: '{{from}} 至 {{to}}',
  },
  'zh-Hans': {
    title: '指标',
    lede: '所有已存储的指标，附单位、频率、覆盖期间与来源。全球指标会打开其图表；国家指标会打开其排名。',
    global: '全球',
    national: '国家',
    other: '其他版本',
    col: {indicator: '指标', title: '名称', unit: '单位', frequency: '频率', coverage: '覆盖期间', source: '来源'},
    freq: {daily: '每日', weekly: '每周', monthly: '每月', annual: '每年', irregular: '不定期'},
    range: '{{from}} 至 {{to}}',
  },
};
