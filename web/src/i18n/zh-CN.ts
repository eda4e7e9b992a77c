/** Chinese (Simplified): the default language and the fallback for any missing English string. */
export const zhCN = {
  app: {
    name: "远程校准协作平台",
    brand: "telecal",
    title: "远程校准协作平台 telecal",
  },
  lang: {
    switchTo: "English",
    switchLabel: "切换语言",
  },
  connection: {
    connecting: "正在连接…",
    connected: "已连接",
    disconnected: "已断开，正在重连…",
  },
  signIn: {
    heading: "登录",
    username: "用户名",
    password: "密码",
    submit: "登录",
    signOut: "退出登录",
    badPassword: "用户名或密码错误",
    rateLimited: "登录尝试过于频繁，请稍后再试",
    failed: "登录失败（{{code}}）",
  },
  role: {
    admin: "管理员",
    expert: "专家",
    technician: "技术员",
    trainer: "培训师",
    trainee: "学员",
  },
  live: {
    heading: "实时读数",
    empty: "等待实验室代理上线…",
    emptyHint: "实验室代理连接到服务器后，其仪器的实时读数会显示在这里。",
    noStreams: "该仪器没有数据流",
  },
  agent: {
    online: "在线",
    offline: "离线",
    clock: "时钟偏差 {{offset}} ± {{uncertainty}}",
  },
  instrument: {
    role: {
      reference: "参考标准",
      uut: "被校仪器",
    },
    serial: "序列号 {{serial}}",
    id: "编号 {{id}}",
  },
  status: {
    stable: "稳定",
    unstable: "不稳定",
    overload: "过载",
    manual: "手动录入",
    waiting: "等待数据",
  },
  value: {
    none: "—",
    overload: "OL",
  },
  age: {
    seconds: "{{count}} 秒前",
  },
  chart: {
    label: "{{quantity}} 最近读数曲线",
  },
};

/** The shape every language must fill: English is checked against it at compile time. */
export type Messages = typeof zhCN;
