/** Chinese strings of the certificates page. */
export const zhCNCertificates = {
  certificates: {
    heading: "证书",
    none: "本机构还没有签发证书。",
    number: "证书编号",
    kind: "类别",
    what: "被校对象 / 课程",
    who: "委托单位 / 学员",
    issued: "签发日期",
    status: "状态",
    files: "文件",
    kinds: { "calibration-certificate": "校准证书", "verification-certificate": "检定证书", "verification-failure-notice": "检定结果通知书", "training-certificate": "培训证明" },
    statuses: { valid: "有效", amended: "已更正（被替代）", revoked: "已撤销" },
    revoke: "撤销",
    reason: "撤销原因（必填）",
    revokeConfirm: "确认撤销",
  },
};
