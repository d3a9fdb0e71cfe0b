// Messages shared by every page: the frame (navigation, footer, status
// announcements) and words used across pages. Same keys in every language.
export default {
  en: {
    loading: 'Loading…',
    loaded: '{{title}} loaded',
    language: 'Language',
  },
  'zh-Hant': {
    loading: '載入中…',
    loaded: '已載入{{title}}',
    language: '語言',
  },
  'zh-Hans': {
    loading: '加载中…',
    loaded: '已加载{{title}}',
    language: '语言',
  },
};
