/** Chinese strings of the job list and of editing and cancelling a job (kept apart so that each language file stays one screen of concepts). */
export const zhCNJobs = {
  newJob: { heading: "新建任务", procedure: "规程", agent: "实验室代理", technician: "技术员（用户名）", expert: "监督专家（用户名）", submit: "创建任务", noneFits: "登记的仪器中没有适合此项的（种类、量、量程或驱动不符）", notRegistered: "（未登记，仅目测读数）" },
  jobList: { procedure: "规程", item: "被校仪器", serial: "出厂编号", technician: "技术员", created: "创建时间", state: "状态" },
  jobChanges: {
    heading: "修改或取消任务",
    edit: "修改仪器与人员",
    started: "任务已开始，不能再修改；如需更改，请取消后重新创建。",
    editReason: "修改原因（可选）",
    save: "保存修改",
    reason: "取消原因",
    cancel: "取消任务",
    cancelledBy: "任务已由 {{name}} 于 {{when}} 取消：{{reason}}",
  },
  // Words of the drivers in step titles (step-title.ts): properties, measurements, set values.
  driverWords: {
    property: { output: "输出", operate: "工作状态", resistance: "电阻输出", setpoint: "压力设定值", control: "压力控制", bath: "槽温设定值", load: "载荷", temperature: "温度设定值" },
    measurement: { dcv: "直流电压", res2w: "二线电阻", pressure: "压力", temperature: "温度", weight: "质量示值" },
    word: { OPER: "工作 OPER", STBY: "待机 STBY", ON: "开 ON", OFF: "关 OFF" },
  },
};
