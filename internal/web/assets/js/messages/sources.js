// Messages of the sources and versions page (pages/sources.js).
export default {
  en: {
    title: 'Sources and versions',
    lede: 'Every number on this dashboard names one of these dataset versions. The same lists as JSON: ',
    and: ' and ',
    datasets: 'Datasets',
    versions: 'Versions, newest first',
    col: {dataset: 'Dataset', title: 'Title', producer: 'Producer', licence: 'Licence', version: 'Version', rows: 'Rows', retrieved: 'Retrieved', ingested: 'Ingested', current: 'Current'},
    all: 'All datasets',
  },
  'zh-Hant': {
    title: '資料來源與版本',
    lede: '本儀表板上的每個數字都對應其中一個資料集版本。相同的清單也以 JSON 提供：',
    and: ' 與 ',
    datasets: '資料集',
    versions: '版本（最新的在前）',
    col: {dataset: '資料集', title: '名稱', producer: '生產者', licence: '授權', version: '版本', rows: '列數', retrieved: '取得時間', ingested: '匯入時間', current: '目前版本'},
    all: '所有資料集',
  },
  'zh-Hans': {
    title: '数据来源与版本',
    lede: '本仪表板上的每个数字都对应其中一个数据集版本。相同的列表也以 JSON 提供：',
    and: ' 和 ',
    datasets: '数据集',
    versions: '版本（最新的在前）',
    col: {dataset: '数据集', title: '名称', producer: '生产者', licence: '许可', version: '版本', rows: '行数', retrieved: '获取时间', ingested: '导入时间', current: '当前版本'},
    all: '所有数据集',
  },
};
