"""Chinese (Simplified) prompt templates and slot pools."""

from __future__ import annotations

from tokencensus.simulate.templates.base import Template as T

CARD = ("你现在扮演{char}，{char_desc}。性格：{traits}。背景：{scenario}\n"
        "请始终保持角色，用第三人称描写{char}的动作、神态和心理，不要替用户说话或行动。")

TEMPLATES: dict[str, tuple[T, ...]] = {
    "programming": (
        T("Programming/Other", "{snippet}\n\n{ask_fix}", weight=3),
        T("Programming/Other", "帮我看看这段代码，{file}\n我想让它{refactor_goal}，接口不要变，"
          "顺便补几个单元测试。"),
        T("Development Tools", "CI 今天突然挂了，配置和日志如下：\n\n{config}\n\n{ask_fix}"),
        T("Software/Databases", "这条 SQL 在线上跑得特别慢：\n\n{query}\n\n表里大概有{rows}行数据，"
          "应该加什么索引或者怎么改写？"),
    ),
    "roleplay": (
        T("Roleplaying Games", "*{action}*「{line}」", system=CARD, weight=4),
        T("Writers Resources", "我在写一部{genre}小说，第{num}章里主角{plot}。请帮我续写下一场戏，"
          "大约一千字，{style}。"),
        T("Adult",
          "*{action}*「{flirt}」", system=CARD + "这是一个慢热的恋爱故事，亲密场景点到为止。"),
    ),
    "technology": (
        T("Consumer Electronics", "我的{device}更新系统以后{symptom}，重启和还原网络设置都试过了，"
          "还有什么办法？"),
        T("Software", "{sw_a}和{sw_b}有什么区别？我主要用来{use}，更在意{priority}。"),
    ),
    "science": (
        T("Machine Learning & AI", "我在用{dataset}微调{ml_model}，结果{ml_issue}。学习率{lr}，"
          "batch size {bs}，应该先从哪里排查？", weight=3),
        T("Machine Learning & AI",
          "能不能通俗地解释一下{ml_concept}，然后再给出数学推导？", weight=2),
        T("Physics", "为什么{physics_q}？请用大学一年级能听懂的方式解释。"),
    ),
    "translation": (
        T("Foreign Language Resources",
          "请把下面这段话翻译成{target_lang}，语气{tone}：\n\n{passage}",
          weight=2),
        T("Translation & Localization", "把这些 App 文案本地化成{target_lang}，占位符保持不变：\n\n"
          "{ui_strings}"),
    ),
    "health": (
        T("Health Conditions",
          "我今年{age}岁，最近{duration}一直{body_symptom}，{extra}。需要去医院吗？"
          "应该挂哪个科？", weight=2),
        T("Nutrition & Fitness", "我想{fitness_goal}，每周练{sessions}次，能帮我安排一个饮食和训练"
          "计划吗？"),
    ),
    "finance": (
        T("Investing", "我{age}岁，手里有{amount}元存款，是买{invest_a}还是{invest_b}好？"
          "打算放{years}年。"),
        T("Personal Finance",
          "帮我做一个月度预算：税后收入{amount}元，房租{rent}元，我想{money_goal}。"),
    ),
    "academia": (
        T("Academic Writing", "帮我润色一下论文里的这段话，让论证更清楚：\n\n「{academic_para}」"),
        T("Homework Help", "{homework}"),
    ),
    "legal": (
        T("Contracts",
          "下面是{contract}里的一条条款，作为{party}，这条对我有什么风险？\n\n「{clause}」"),
        T("Employment Law", "公司{employment_issue}，这样合法吗？我该怎么维权？"),
    ),
    "marketing": (
        T("Advertising", "帮我给{product}写{n}条广告文案，目标人群是{audience}，风格要{tone}。"),
        T("Social Media Marketing",
          "给{product}做一个两周的{platform}内容排期，每周发{sessions}次。"),
    ),
    "marketing/seo": (
        T("Search Engine Optimization", "围绕关键词「{keyword}」写一份 SEO 文章大纲，包括搜索意图、"
          "H2/H3 结构、相关长尾词和一段不超过 80 字的 meta description。"),
    ),
    "trivia": (
        T("Quizzes & Trivia", "{trivia_q}", weight=2),
        T("History", "{history_q}"),
    ),
    "other": (
        T("Casual Chat", "{chat}", weight=2),
        T("Summarization", "用三句话总结下面的内容：\n\n{passage}"),
    ),
}

SLOTS: dict[str, tuple[str, ...]] = {
    "ask_fix": ("这个报错是什么原因？应该怎么改？", "为什么会这样？请解释根本原因。",
                "卡了一个小时了，求帮忙看看", "帮我修一下"),
    "refactor_goal": ("支持部分退款", "支持多币种", "在多个 goroutine 里调用也安全",
                      "不要每次输入都重新渲染"),
    "rows": ("一千二百万", "八十万", "四千万"),
    "action": ("靠在门框上，双手抱胸", "把一张折好的地图推到你面前", "拔出长剑挡在你身前",
               "紧张地看了一眼客栈门口"),
    "line": ("你真觉得商会会放我们走？", "把你昨晚在码头看到的都告诉我。",
             "天一亮就出发，你跟不跟？"),
    "char": ("沈清秋", "林夜", "苏婉", "顾长风", "白露"),
    "char_desc": ("一个嘴硬心软的江湖剑客", "天才但冲动的机关师", "流亡在外的北境王族后裔",
                  "表面温和、暗中修习禁术的藏书阁管事"),
    "traits": ("毒舌、忠诚、最讨厌被道谢", "好奇、冲动、护短", "冷静、工于心计、背负过去"),
    "scenario": ("用户刚被雇来护送一支走险路的商队。", "用户和角色被大雪困在山中客栈。",
                 "用户是角色走私船上新来的水手。"),
    "genre": ("仙侠", "科幻", "悬疑", "都市言情"),
    "num": ("三", "七", "十二"),
    "plot": ("终于和多年未见的父亲当面对质", "发现手里的藏宝图是伪造的",
             "必须在救城和救弟弟之间做选择"),
    "style": ("多用对话", "节奏紧凑一些", "用第三人称有限视角"),
    "flirt": ("你一直盯着我看，我该高兴还是担心？", "再待一会儿吧，外面的雨还没停。"),
    "device": ("iPhone 15", "华为 Mate 60", "小米 14", "MacBook Air"),
    "symptom": ("耗电特别快", "蓝牙老是断开", "充电充到 80% 就不动了", "充电的时候很烫"),
    "sw_a": ("Docker Desktop", "Notion", "VS Code", "飞书文档"),
    "sw_b": ("Podman", "Obsidian", "JetBrains", "语雀"),
    "use": ("写代码", "剪辑 4K 视频", "本地跑大模型", "团队协作"),
    "priority": ("性能", "隐私", "上手难度", "价格"),
    "dataset": ("客服工单数据", "两万张商品图片", "法律合同文本"),
    "ml_model": ("Qwen2.5-7B（LoRA）", "BERT 分类模型", "ResNet-50"),
    "ml_issue": ("第二个 epoch 之后验证集 loss 开始上升", "训练几百步后 loss 变成 NaN",
                 "准确率一直停在多数类"),
    "lr": ("2e-4", "1e-3", "5e-5"),
    "bs": ("16", "64", "8"),
    "ml_concept": ("Transformer 里的注意力机制", "VAE 的重参数化技巧", "对比学习", "MoE 路由"),
    "physics_q": ("天空是蓝色的而晚霞是红色的", "冰会浮在水面上", "陀螺转起来不会倒"),
    "target_lang": ("英文", "日文", "韩文", "法文", "德文"),
    "tone": ("正式一点", "轻松自然", "专业但友好"),
    "passage": ("感谢您的订购！您的包裹今天上午已从仓库发出，预计三到五个工作日送达。如有缺件或"
      "损坏，"
                "请直接回复本邮件，我们会第一时间处理。",
                "市议会周二投票决定把夜间公交线路延伸到北部郊区，理由是新体育场启用后夜间客流增"
                  "长了四成。"
                "延伸线路将试运行到明年年底。"),
    "ui_strings": ('"cart.empty": "购物车是空的"\n"checkout.cta": "去结算"\n'
                   '"cart.items": "购物车里有 {{count}} 件商品"',),
    "age": ("28", "35", "46", "60"),
    "duration": ("两周", "三天", "一个多月"),
    "body_symptom": ("头疼", "腰疼", "干咳", "胃里反酸", "左手发麻"),
    "extra": ("晚上会更严重", "没有发烧", "吃了布洛芬稍微好一点"),
    "fitness_goal": ("减掉 8 公斤", "跑完半马", "在家练出肌肉"),
    "sessions": ("3", "4", "5"),
    "amount": ("十万", "三十万", "一万五"),
    "rent": ("三千五", "六千", "两千"),
    "invest_a": ("沪深300指数基金", "银行定期存款", "国债"),
    "invest_b": ("个股", "黄金", "货币基金"),
    "years": ("五", "十", "二十"),
    "money_goal": ("还清两万块的信用卡", "攒够首付", "存出半年的应急资金"),
    "academic_para": ("已有研究表明社交媒体使用与幸福感之间存在关系，但结论并不一致，"
                      "这可能与许多尚未被充分考虑的因素有关。",),
    "homework": ("解方程 3x² - 12x + 9 = 0，写出每一步。", "法国大革命爆发的主要原因有哪些？"
                 "我的作文需要五点。", "求 f(x) = x³ln(x) 的导数，并解释乘积法则。"),
    "contract": ("软件服务订阅协议", "劳务外包合同", "商铺租赁合同"),
    "party": ("客户", "乙方", "承租方"),
    "clause": ("服务方有权提前三十日通知调整服务费用，用户继续使用服务即视为接受调整后的费用。",
               "乙方在合作期间产生的全部成果，包括其原有的技术资料，知识产权均归甲方所有。"),
    "employment_issue": ("入职以后才让我签竞业协议", "连续三个月没发加班费",
                         "没提前通知就调了我的班"),
    "product": ("一款健身餐外卖", "降噪耳机", "面向小团队的项目管理软件", "在线英语课"),
    "n": ("5", "8", "10"),
    "audience": ("上班族", "大学生", "小企业老板"),
    "platform": ("小红书", "抖音", "微信公众号"),
    "keyword": ("小户型升降桌推荐", "家庭堆肥怎么做", "房产中介用什么CRM"),
    "trivia_q": ("太阳系里哪颗行星的卫星最多？", "世界上面积最小的国家是哪个？",
                 "成年人一共有多少块骨头？"),
    "history_q": ("柏林墙是哪一年倒塌的？为什么？", "秦始皇统一六国用了多少年？",
                  "第一次世界大战是怎么爆发的？"),
    "chat": ("好无聊啊，陪我聊会儿天", "推荐几本像《三体》一样好看的科幻小说",
             "今晚有鸡肉、米饭和菠菜，做点什么好？"),
}
