// Messages of the share control (share.js). Same keys in every language.
export default {
  en: {
    button: 'Share',
    buttonLabel: 'Share this view: copy a link that opens it with the same settings',
    copied: 'Link copied to the clipboard. It opens this view with the same settings and shows its chart when pasted in a chat.',
    manual: 'Copy this link: it opens this view with the same settings.',
    field: 'Link to this view',
    close: 'Close',
  },
  'zh-Hant': {
    button: '分享',
    buttonLabel: '分享此畫面：複製可用相同設定開啟此畫面的連結',
    copied: '已將連結複製到剪貼簿。開啟後會以相同設定顯示此畫面；貼到聊天室時會顯示圖表。',
    manual: '請複製此連結，開啟後會以相同設定顯示此畫面。',
    field: '此畫面的連結',
    close: '關閉',
  },
  'zh-Hans': {
    button: '分享',
    buttonLabel: '分享此视图：复制可按相同设置打开此视图的链接',
    copied: '已将链接复制到剪贴板。打开后会按相同设置显示此视图；粘贴到聊天中时会显示图表。',
    manual: '请复制此链接，打开后会按相同设置显示此视图。',
    field: '此视图的链接',
    close: '关闭',
  },
};
