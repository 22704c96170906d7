/** Chinese scam script templates: each campaign as its victims retell it when reporting it. */
import type { ScriptTemplate } from './script-template.js';

export const ZH_TEMPLATES: readonly ScriptTemplate[] = [
  {
    id: 'zh-task-rebate-1',
    category: 'task_rebate',
    lang: 'zh',
    channels: ['im', 'app', 'transfer'],
    vars: {
      platform: ['抖音', '快手', '小红书'],
      task: ['给主播视频点赞关注', '给店铺商品点赞收藏', '关注指定博主'],
    },
    lines: [
      {
        alts: [
          '{date}{time}，我在{platform}上收到一条私信，说招兼职，{task}后截图就能拿佣金，一单几块钱。',
          '{date}{time}我刷{platform}的时候有人私信我，说有兼职可以做，{task}再截图发过去，每单给几块钱佣金。',
          '{date}有个陌生人在{platform}私信我，问我要不要做兼职，就是{task}然后截图，按单结算佣金。',
        ],
      },
      {
        alts: [
          '对方让我加他的微信{contactIm}，说是{brand}的接待员，我先做了几单，佣金很快就发到我微信上了。',
          '我按要求加了对方微信{contactIm}，他自称{brand}的接待老师，我试着做了几单，确实很快收到了佣金。',
        ],
      },
      {
        optional: true,
        alts: [
          '后来接待员把我拉进一个任务群，群里很多人每天晒收益截图，我就更相信了。',
          '之后我被拉进了一个任务群，群里的人天天发提现截图，看起来都赚了不少，我也就放松了警惕。',
        ],
      },
      {
        alts: [
          '接着对方让我下载一个叫{appName}的App注册账号，说高佣金的“福利任务”都在App里做。',
          '然后他让我下载{appName}注册账号，说后面的福利任务佣金更高，必须在App里接单。',
        ],
      },
      {
        alts: [
          '第一单福利任务要先充值，我按App里客服给的账户转了{amount1}，很快就收到返款{refund}。',
          '福利任务需要先垫资充值，我先往客服提供的账户转了{amount1}，没多久App里就给我返款{refund}。',
        ],
      },
      {
        alts: [
          '后面派的是“连单任务”，每单都要充更多钱，对方说做完三单才能一起提现，我陆续转到{bankName}户名{accountName}的账户{account}。',
          '接下来系统派了连单任务，要连续充值好几次才能一起提现，我陆续转到客服给的{bankName}账户{account}，户名{accountName}。',
        ],
      },
      {
        optional: true,
        alts: [
          '做到最后一单时客服说我操作失误，账户被冻结了，要再交一笔解冻金才能把钱提出来。',
          '最后一单客服说我提交超时、操作失误，账户冻结，必须再充一笔解冻金才能提现。',
        ],
      },
      {
        alts: [
          '我前后一共转了{amount}，钱一直提不出来，再找客服和接待员都被拉黑了，这才知道被骗了。',
          '算下来我一共转了{amount}，一分钱都没提出来，接待员和客服都把我拉黑了，我才意识到是刷单诈骗。',
        ],
      },
    ],
  },
  {
    id: 'zh-task-rebate-2',
    category: 'task_rebate',
    lang: 'zh',
    channels: ['im', 'url', 'transfer'],
    vars: {
      jobsite: ['招聘网站', '求职App', '本地兼职群'],
      goods: ['电子产品', '金饰', '家用电器'],
    },
    lines: [
      {
        alts: [
          '{date}我在{jobsite}上投了简历，{time}有个自称{brand}人事的人联系我，说招线上刷单员，在家就能做。',
          '{date}{time}，一个自称{brand}招聘专员的人通过{jobsite}联系我，说有线上刷单的岗位，在家就能做，时间自由。',
        ],
      },
      {
        alts: [
          '她让我加QQ{contactIm}，说工作内容是在商城里垫付下单，帮商家提升销量，本金加佣金当场返还。',
          '对方让我添加QQ{contactIm}，解释说就是在指定商城垫钱下单，给商家冲销量，每单返本金和佣金。',
        ],
      },
      {
        alts: [
          '我用她发的链接{url}注册了商城账号，第一单买{goods}，垫付{amount1}后马上返回了本金，另外还有{refund}的佣金。',
          '我打开她给的链接{url}注册了商城账号，第一单下单了{goods}，付了{amount1}，很快本金就返回来了，还多给了{refund}佣金。',
        ],
      },
      {
        optional: true,
        alts: [
          '她说我表现好，给我升级成高级会员，可以接大额订单，佣金比例更高。',
          '对方夸我做得快，说可以升级成高级会员接大额订单，佣金翻倍。',
        ],
      },
      {
        alts: [
          '第二次接的是组合单，要连续下三单，每一单金额越来越大，必须全部做完才能一起返款。',
          '后面派给我的是组合单，一组三单，金额一单比一单高，说不全部做完就不能返款。',
        ],
      },
      {
        alts: [
          '每次付款都是转到对方给的个人账户，其中一笔转到了{bankName}，户名{accountName}，卡号{account}。',
          '付款都要转到她指定的私人银行卡上，我记得有一个是{bankName}的{account}，收款人{accountName}。',
        ],
      },
      {
        optional: true,
        alts: [
          '做完以后页面提示“卡单”，客服说我信誉分不够，要再交一笔钱补信誉分才能提现。',
          '最后商城显示卡单，客服又说我信誉分不足，要补交一笔保证金恢复信誉分才能提现。',
        ],
      },
      {
        alts: [
          '我一共垫付了{amount}，商城里的余额怎么也提不出来，网站打不开了，对方QQ也把我删了。',
          '前前后后我垫付了{amount}，一直没法提现，后来那个商城网站打不开，QQ也被拉黑，我才反应过来被骗。',
        ],
      },
    ],
  },
  {
    id: 'zh-fake-investment-1',
    category: 'fake_investment',
    lang: 'zh',
    channels: ['im', 'app', 'transfer'],
    vars: {
      teacher: ['股票老师', '投资导师', '首席分析师'],
      stock: ['新股', '原始股', '机构内部的打新名额'],
    },
    lines: [
      {
        alts: [
          '{date}{time}，我被一个陌生人拉进一个炒股群，群主是{teacher}{fakeName}，每天在群里免费讲课荐股。',
          '{date}，有人把我拉进了一个炒股交流群，群里有位{teacher}{fakeName}天天直播讲课，免费推荐股票。',
        ],
      },
      {
        alts: [
          '群里的助理加了我微信{contactIm}，说{teacher}带的学员都赚了，前几天推荐的股票确实涨了。',
          '后来群里的助理加我微信{contactIm}，一对一给我发{teacher}的操作建议，推荐的几只股票刚好都涨了。',
        ],
      },
      {
        optional: true,
        alts: [
          '群里很多人天天晒盈利截图，说跟着{teacher}一个月翻了一倍，我看着很眼红。',
          '群里每天都有人发收益截图，感谢{teacher}带他们赚钱，我慢慢就信了。',
        ],
      },
      {
        alts: [
          '助理说{brand}有机构专用通道，可以低价申购{stock}，让我下载{appName}开户。',
          '助理告诉我{brand}有机构通道能抢到{stock}，让我下载一个叫{appName}的App开户入金。',
        ],
      },
      {
        alts: [
          '我先入金{amount1}试了试，App上显示很快就赚了，还顺利提现了{refund}。',
          '开始我只入金了{amount1}，账面盈利涨得很快，我试着提现了{refund}，也到账了。',
        ],
      },
      {
        alts: [
          '后来{teacher}说申购的{stock}中签了，要补缴认购款，不补就违约，我又分几次转账到{bankName}户名{accountName}的账户{account}。',
          '过了几天说我申购的{stock}中签了，必须马上补缴认购款，否则算违约，我按客服给的{bankName}账户{account}（户名{accountName}）分几笔转了过去。',
        ],
      },
      {
        optional: true,
        alts: [
          '等我想提现时，客服说要先交个人所得税和保证金，账户才能解冻。',
          '我申请提现时客服说账户资金异常，需要先缴纳税费和保证金才能出金。',
        ],
      },
      {
        alts: [
          '我一共转了{amount}，钱一直提不出来，炒股群解散了，App也登录不上，才知道是假的投资平台。',
          '前后我投进去{amount}，最后App打不开，炒股群也散了，{teacher}和助理都联系不上，我才知道被骗。',
        ],
      },
    ],
  },
  {
    id: 'zh-fake-investment-2',
    category: 'fake_investment',
    lang: 'zh',
    channels: ['im', 'url', 'wallet', 'transfer'],
    vars: {
      product: ['量化套利机器人', '合约跟单', '矿池质押'],
      coin: ['USDT', '泰达币'],
    },
    lines: [
      {
        alts: [
          '{date}我在网上认识了一个自称做区块链的人{fakeName}，他加了我的Telegram{contactIm}，经常给我看他做{product}的收益。',
          '{date}{time}，一个叫{fakeName}的网友通过Telegram{contactIm}联系上我，自称做区块链，常发他用{product}赚钱的截图。',
        ],
      },
      {
        alts: [
          '他推荐我在一个叫{brand}的交易所注册，网址是{url}，说{product}稳赚不赔，每天都有收益。',
          '他让我打开{url}注册{brand}交易所的账号，说平台的{product}每天收益很稳，不会亏。',
        ],
      },
      {
        alts: [
          '他教我先从场外商家手里买{coin}，我把人民币转给商家的{bankName}账户{account}，户名{accountName}。',
          '他说要先买{coin}才能充值，介绍了一个场外币商，我把钱转到对方{bankName}的卡{account}上，收款人是{accountName}。',
        ],
      },
      {
        alts: [
          '买到{coin}后，我按平台页面提示充值到地址{wallet}，第一次只充了{amount1}。',
          '拿到{coin}以后，我把币转到平台给的充值地址{wallet}，第一笔是{amount1}。',
        ],
      },
      {
        optional: true,
        alts: [
          '平台上的收益每天都在涨，我试着提了一次，收到{refund}，就相信这个平台是真的。',
          '账面收益天天增长，我小额提现了{refund}，顺利到账，就放心加大了投入。',
        ],
      },
      {
        alts: [
          '后来他说平台有一个限时的高收益活动，让我多充一点，我又陆续买币充进了那个地址。',
          '之后他说平台有限时活动，收益翻倍，劝我追加资金，我又分几次买币充了进去。',
        ],
      },
      {
        optional: true,
        alts: [
          '我想把钱全部提出来时，平台说我的账户涉嫌洗钱被风控，要交一笔保证金才能解冻。',
          '等我要全部提现时，页面显示账户被风控冻结，客服说要缴纳解冻保证金。',
        ],
      },
      {
        alts: [
          '我一共投进去{amount}，后来网站打不开了，{fakeName}也在Telegram上把我拉黑了。',
          '我总共损失了{amount}，网站{url}再也打不开，Telegram上的{fakeName}也消失了。',
        ],
      },
    ],
  },
  {
    id: 'zh-fake-loan-1',
    category: 'fake_loan',
    lang: 'zh',
    channels: ['call', 'app', 'transfer'],
    vars: {
      reason: ['银行卡号填写错误', '征信评分不足', '银行流水不够'],
      fee: ['解冻金', '保证金', '验资款'],
    },
    lines: [
      {
        alts: [
          '{date}{time}，我接到一个电话{callerPhone}，对方自称{brand}的贷款专员，问我需不需要低息贷款，不看征信当天放款。',
          '{date}有个号码{callerPhone}打给我，说是{brand}贷款专员，可以无抵押低息贷款，不看征信当天到账。',
        ],
      },
      {
        alts: [
          '我正好缺钱周转，就按她说的下载了{appName}，填了身份证号{victimId}、银行卡号和手机号。',
          '我当时急需用钱，就照她说的装了{appName}这个App，把身份证号{victimId}、银行卡号和手机号都填了进去。',
        ],
      },
      {
        alts: [
          '申请提交后App显示审核通过，但提现失败，页面提示{reason}，贷款资金已被冻结。',
          '提交申请后显示已审批，可是钱提不出来，App提示{reason}，贷款资金被冻结。',
        ],
      },
      {
        alts: [
          '客服打电话说要我先交一笔{fee}证明还款能力，解冻后会连同贷款一起打到我卡上。',
          '客服联系我说需要缴纳{fee}证明我有还款能力，解冻以后{fee}会跟贷款一起退给我。',
        ],
      },
      {
        alts: [
          '我就把{amount1}转到了客服给的账户{account}，户名{accountName}，开户行{bankName}。',
          '我按要求往{bankName}的账户{account}转了{amount1}，收款人叫{accountName}。',
        ],
      },
      {
        optional: true,
        alts: [
          '转完以后对方又说我操作超时，要再交一笔手续费和保险费，不交前面的钱也退不了。',
          '交完钱客服又说系统检测到我操作超时，还得交保险费和手续费，不然之前的钱拿不回来。',
        ],
      },
      {
        optional: true,
        alts: [
          '我怕前面的钱打水漂，就找朋友借钱继续转了几次。',
          '因为不想前面的钱白交，我又借了钱接着转了几次。',
        ],
      },
      {
        alts: [
          '最后我一共转出{amount}，一分贷款都没拿到，电话打不通，App也闪退了，才知道是假贷款。',
          '我总共被骗了{amount}，贷款一直没到账，客服电话也打不通，那个App再也打不开。',
        ],
      },
    ],
  },
  {
    id: 'zh-fake-loan-2',
    category: 'fake_loan',
    lang: 'zh',
    channels: ['url', 'im', 'transfer'],
    vars: {
      fee: ['会员费', '工本费', '公证费'],
      search: ['百度', '浏览器', '朋友圈广告'],
    },
    lines: [
      {
        alts: [
          '{date}我在{search}上搜贷款，点进一个叫{brand}的网贷页面{url}，上面写着额度高、利息低、秒到账。',
          '{date}{time}我通过{search}找到了{brand}的贷款网页{url}，宣传说额度高、低息、秒放款。',
        ],
      },
      {
        alts: [
          '页面让我留了手机号{victimPhone}，随后一个客服加了我QQ{contactIm}，让我在网页上提交资料。',
          '我在网页上留下手机号{victimPhone}，很快有个客服加我QQ{contactIm}，指导我在网页上填资料申请。',
        ],
      },
      {
        alts: [
          '客服说我是新客户，需要先办理会员，交{fee}{amount1}才能进入放款流程。',
          '对方说新用户要先开通会员，缴纳{fee}{amount1}才能审批放款。',
        ],
      },
      {
        alts: [
          '交完后客服又说我的银行流水不够，要“刷流水”证明还款能力，让我把钱转到指定账户，放款时一起退回。',
          '之后客服说我流水不达标，需要做一次“刷流水”证明还款能力，把钱打到公司账户，放款时连同贷款一起退。',
        ],
      },
      {
        alts: [
          '我按指示往{bankName}的{account}转了钱，收款户名是{accountName}，对方说这是公司财务的账户。',
          '我先后往{bankName}账户{account}转了几次，收款人叫{accountName}，客服说是公司财务。',
        ],
      },
      {
        optional: true,
        alts: [
          '过了一会客服说我转账备注写错了，流水无效，要重新刷一遍。',
          '后来又说我转账时备注填错，这笔流水不算，必须再刷一次。',
        ],
      },
      {
        optional: true,
        alts: [
          '中途客服还退了我{refund}，说是多交的部分，我就更相信了。',
          '期间对方还退回来{refund}，说多收了要退给我，我因此没怀疑。',
        ],
      },
      {
        alts: [
          '一共转了{amount}，贷款一直没下来，网页打不开，QQ也把我拉黑了。',
          '前后被骗{amount}，所谓的贷款一分没到，网站关了，客服QQ也删了我。',
        ],
      },
    ],
  },
  {
    id: 'zh-fake-customer-service-1',
    category: 'fake_customer_service',
    lang: 'zh',
    channels: ['call', 'app', 'transfer'],
    vars: {
      courier: ['快递公司', '物流公司'],
      item: ['包裹', '快件', '网购的衣服'],
    },
    lines: [
      {
        alts: [
          '{date}{time}，我接到{callerPhone}打来的电话，对方自称{courier}客服，说我的{item}在运输中丢失了。',
          '{date}有个电话{callerPhone}打进来，说是{courier}的理赔客服，告诉我我的{item}运输途中丢了。',
        ],
      },
      {
        alts: [
          '她准确说出了我的姓名{victimName}、手机号和快递单号，说要按三倍给我理赔。',
          '对方能说出我的名字{victimName}、手机号和单号，说按规定可以给我三倍理赔。',
        ],
      },
      {
        alts: [
          '她让我下载一个叫{appName}的会议软件，进会议后打开屏幕共享，说这样方便指导我领理赔款。',
          '客服让我装了{appName}，加入她的会议并共享屏幕，说要一步步教我操作领取理赔款。',
        ],
      },
      {
        optional: true,
        alts: [
          '她让我打开支付软件里的备用金，说理赔款会先以借款形式发放，要我转到理赔账户核对。',
          '对方让我开通了借款额度，说理赔款是通过借款形式发下来的，要转到指定账户核实。',
        ],
      },
      {
        alts: [
          '接着她说系统理赔失败，要我先转一笔钱验证账户，之后会和理赔款一起退回，我转了{amount1}到{bankName}的{account}。',
          '后来她说理赔打款失败需要验证账户，让我先往{bankName}账户{account}转{amount1}，说验证完马上和理赔款一起退回。',
        ],
      },
      {
        alts: [
          '然后她又说我操作错误，钱被冻结，要我再借钱转过去解冻，收款人是{accountName}。',
          '之后她说我刚才操作不对导致资金冻结，要我从网贷借钱再转一次才能解冻，收款户名{accountName}。',
        ],
      },
      {
        optional: true,
        alts: [
          '整个过程她一直不让我挂电话，也不让我看银行发来的短信。',
          '全程对方都让我保持通话，还提醒我不要看银行短信、不要告诉别人。',
        ],
      },
      {
        alts: [
          '我一共转了{amount}，挂电话后联系真正的{courier}客服，对方说根本没有理赔这回事，我才发现被骗了。',
          '我总共转出去{amount}，事后打{courier}官方客服电话核实，才知道{item}根本没丢，是诈骗。',
        ],
      },
    ],
  },
  {
    id: 'zh-fake-customer-service-2',
    category: 'fake_customer_service',
    lang: 'zh',
    channels: ['sms', 'call', 'transfer'],
    vars: {
      airline: ['航空公司', '订票平台'],
      city: ['成都', '广州', '昆明', '三亚'],
    },
    lines: [
      {
        alts: [
          '{date}{time}，我收到{smsSender}发来的短信，说我订的去{city}的航班因机械故障取消，让我打客服电话办理改签。',
          '{date}我收到一条号码{smsSender}发的短信，称我飞{city}的航班因机械故障取消，要联系客服改签或退票。',
        ],
      },
      {
        alts: [
          '我打了短信里的电话，接电话的人自称{airline}客服{fakeName}，能说出我的姓名和航班号。',
          '我照短信拨了过去，对方说是{airline}的客服{fakeName}，准确报出了我的名字和航班号。',
        ],
      },
      {
        alts: [
          '她说改签要补差价，不如办退票，另外还能领一笔航班取消的补偿金。',
          '她说如果办退票可以全额退款，还能额外拿到航班取消补偿金。',
        ],
      },
      {
        alts: [
          '后来客服用{callerPhone}给我回电，说退款前要先验证我的银行卡，让我打开手机银行操作。',
          '之后对方用{callerPhone}打回来，说退款前需要认证我的银行卡，指导我用手机银行操作。',
        ],
      },
      {
        alts: [
          '她让我输入的“验证码”其实是转账金额，我第一次就转出去{amount1}，收款方是{accountName}，账户{account}。',
          '她报给我的“验证码”其实是转账金额，我先转出了{amount1}，到一个户名{accountName}、账号{account}的账户。',
        ],
      },
      {
        optional: true,
        alts: [
          '对方说认证没通过要重新操作，我又转了几次，收款行显示是{bankName}。',
          '她说验证失败，让我再来一遍，我又转了几笔，每次收款银行都是{bankName}。',
        ],
      },
      {
        optional: true,
        alts: [
          '我想核对航班，她说官方电话占线，让我不要挂断，一直跟着她操作。',
          '我说想打官方电话问问，她说那边忙线，让我别挂电话继续按她说的做。',
        ],
      },
      {
        alts: [
          '最后我一共损失{amount}，打{airline}官方电话才知道航班根本没取消。',
          '事后我一共被转走{amount}，联系{airline}官方客服，对方说航班正常，我这才知道受骗。',
        ],
      },
    ],
  },
  {
    id: 'zh-impersonate-authority-1',
    category: 'impersonate_authority',
    lang: 'zh',
    channels: ['call', 'im', 'transfer'],
    vars: {
      org: ['市公安局刑侦支队', '公安局反诈中心', '公安局经侦支队'],
      crime: ['洗钱', '非法集资', '跨境赌博'],
    },
    lines: [
      {
        alts: [
          '{date}{time}，我接到{callerPhone}打来的电话，对方说我的身份证号{victimId}被人冒用办了银行卡，涉嫌{crime}。',
          '{date}有个电话{callerPhone}打过来，说我名下有一张银行卡涉嫌{crime}，连我的身份证号{victimId}都报得一字不差。',
        ],
      },
      {
        alts: [
          '电话随后被转到{org}，一个自称{fakeSurname}警官的人说案子很严重，我可能要被抓起来。',
          '接着电话转给了{org}的{fakeSurname}警官，他说这是一起重大{crime}案件，我有嫌疑，可能被抓。',
        ],
      },
      {
        alts: [
          '他让我加他的QQ{contactIm}做视频笔录，视频里他穿着警服，还给我看了写着我名字的通缉令。',
          '{fakeSurname}警官让我加QQ{contactIm}视频做笔录，他穿着警服，发来一张写着我名字{victimName}的通缉令。',
        ],
      },
      {
        optional: true,
        alts: [
          '他说这案子要保密，不能告诉家人和朋友，否则就是妨碍办案。',
          '他强调案件要保密，不许我跟任何人说，包括家里人，不然算妨碍办案。',
        ],
      },
      {
        alts: [
          '他说要清查我名下所有资金，让我把钱转到“安全账户”核查，查清楚以后会全部退回。',
          '对方说为了证明清白，要对我的资金进行清查，必须把钱转入“安全账户”，核查完毕原路退回。',
        ],
      },
      {
        alts: [
          '我先转了{amount1}到{bankName}的账户{account}，户名{accountName}，他说那是专案组的监管账户。',
          '我先往{bankName}账户{account}转了{amount1}，收款人叫{accountName}，他说这是专案组的监管账户。',
        ],
      },
      {
        optional: true,
        alts: [
          '后来他又说我的资金来源有问题，让我把定期和理财都取出来一起转过去。',
          '之后他说还要核查我的理财和定期存款，让我全部取出来转进去。',
        ],
      },
      {
        alts: [
          '我一共转了{amount}，之后对方就联系不上了，我去派出所问，民警说公安根本没有安全账户，我才知道被骗。',
          '前后我转了{amount}，后来电话打不通，QQ也被删，到派出所才知道根本没有什么安全账户。',
        ],
      },
    ],
  },
  {
    id: 'zh-impersonate-authority-2',
    category: 'impersonate_authority',
    lang: 'zh',
    channels: ['call', 'url', 'transfer'],
    vars: {
      org: ['市中级人民法院', '市人民检察院', '最高人民检察院'],
      doc: ['逮捕令', '冻结令', '传票'],
    },
    lines: [
      {
        alts: [
          '{date}{time}接到一个电话{callerPhone}，是语音播报，说我有一张{org}的{doc}未领取，按九转人工。',
          '{date}{time}我接到{callerPhone}的电话，自动语音说我有{org}的{doc}没有签收，查询请按九。',
        ],
      },
      {
        alts: [
          '转人工后，一个自称{org}书记员{fakeName}的人说我卷入一宗案件，已经签发了对我的{doc}。',
          '人工接听的人说自己是{org}的书记员{fakeName}，说我涉及一起案件，对我下了{doc}。',
        ],
      },
      {
        alts: [
          '他让我打开一个案件查询网站{url}，输入身份证号{victimId}后真的能看到写着我名字的{doc}和案件编号。',
          '他给了我一个网址{url}，说是{org}的案件查询网站，我输入身份证号{victimId}，页面显示我的{doc}和案件编号。',
        ],
      },
      {
        optional: true,
        alts: [
          '网站上还有国徽、公章和检察官签名，看起来很正式，我当时很害怕。',
          '网页上有国徽、公章和签名，做得跟官网一模一样，我一下就慌了。',
        ],
      },
      {
        alts: [
          '他说如果不想被羁押，可以申请取保候审，但要先交一笔保证金，案子结束后全额退还。',
          '对方说我可以申请取保候审，避免被羁押，但需要先缴纳保证金，结案以后全额退还。',
        ],
      },
      {
        alts: [
          '我按他说的先转了{amount1}到{bankName}的账户{account}，户名{accountName}，他说那是保证金专户。',
          '我先往{bankName}账户{account}转了{amount1}，收款人{accountName}，他说这是保证金代管专户。',
        ],
      },
      {
        optional: true,
        alts: [
          '他又说我还要在网站上做资金清查登记，我在上面填了银行卡号{victimCard}和密码。',
          '之后他让我在那个网站上填资金清查登记表，我输入了银行卡号{victimCard}和密码。',
        ],
      },
      {
        alts: [
          '最后我一共损失{amount}，再登录那个网站已经打不开，打电话去{org}核实，根本没有我的案子。',
          '我总共被骗了{amount}，后来那个查询网站打不开了，我去{org}核实，人家说没有这个案件。',
        ],
      },
    ],
  },
  {
    id: 'zh-fake-credit-repair-1',
    category: 'fake_credit_repair',
    lang: 'zh',
    channels: ['im', 'url', 'transfer'],
    vars: {
      record: ['逾期记录', '呆账记录', '不良记录'],
      route: ['银行内部关系', '征信中心的内部渠道', '金融系统的特殊通道'],
    },
    lines: [
      {
        alts: [
          '{date}我因为征信上有{record}办不了房贷，在网上看到{brand}的征信修复广告，网址是{url}。',
          '{date}{time}，我看到一个{brand}的征信修复网站{url}，宣传能删除{record}，我的征信有问题影响贷款，就点进去咨询。',
        ],
      },
      {
        alts: [
          '页面上的顾问让我加微信{contactIm}，他说公司有{route}，能在一周内把{record}删掉。',
          '网站顾问让我添加微信{contactIm}，说他们通过{route}可以在一周左右删除{record}。',
        ],
      },
      {
        optional: true,
        alts: [
          '他给我发了营业执照和成功案例，还有修复前后的征信报告对比，我就信了。',
          '对方发来了公司营业执照和很多客户修复前后的征信报告截图，看起来很专业。',
        ],
      },
      {
        alts: [
          '他先让我交服务定金{amount1}，转到{bankName}户名{accountName}的账户{account}，说修复成功再付尾款。',
          '顾问说要先付服务定金{amount1}，打到{bankName}账户{account}，户名{accountName}，修复成功后再付尾款。',
        ],
      },
      {
        alts: [
          '过了几天他说要打点{route}的人，还要交一笔“加急费”和“材料费”。',
          '几天后他又说需要疏通{route}，让我补交加急费和材料费。',
        ],
      },
      {
        optional: true,
        alts: [
          '他还让我把身份证正反面和银行卡号{victimCard}发给他，说要提交给征信系统。',
          '他还要了我的身份证照片和银行卡号{victimCard}，说提交修复申请要用。',
        ],
      },
      {
        alts: [
          '我陆续又转了几笔，他每次都说快办好了，让我耐心等。',
          '后来我又分几次付了钱，他一直说马上就好，让我再等等。',
        ],
      },
      {
        alts: [
          '一共付了{amount}，去银行打征信报告一看，{record}还在，再找顾问已经被拉黑，网站也打不开了。',
          '我一共转了{amount}，查征信发现{record}一点没变，微信被拉黑，网站也关了，才知道征信根本不能花钱修复。',
        ],
      },
    ],
  },
  {
    id: 'zh-fake-credit-repair-2',
    category: 'fake_credit_repair',
    lang: 'zh',
    channels: ['call', 'app', 'transfer'],
    vars: {
      platform: ['某电商平台', '某网贷平台', '某支付平台'],
      product: ['校园贷', '学生账户', '大学生贷款'],
    },
    lines: [
      {
        alts: [
          '{date}{time}，一个号码{callerPhone}打给我，自称{platform}的工作人员{fakeName}，说我上大学时开通过{product}。',
          '{date}我接到{callerPhone}的来电，对方说是{platform}的工作人员{fakeName}，查到我在校期间开通了{product}。',
        ],
      },
      {
        alts: [
          '他说国家现在要求清理{product}，如果不注销，会影响我的个人征信，以后买房贷款都办不了。',
          '对方说按照监管要求{product}必须注销，不然会在征信上留下记录，影响以后贷款买房。',
        ],
      },
      {
        alts: [
          '他让我下载{appName}开屏幕共享，说要远程帮我查看名下各个借款平台的额度。',
          '他让我装了一个{appName}，打开屏幕共享，说要帮我查名下所有借款平台的额度。',
        ],
      },
      {
        alts: [
          '他说注销前必须把这些平台的额度全部借出来“清零”，转到监管账户核验，核验完就会还回去。',
          '对方说要把各平台的可借额度全部借出来清零，转进监管账户核验，注销后会自动还款。',
        ],
      },
      {
        alts: [
          '我在几个网贷App里借了钱，先转了{amount1}到{bankName}的账户{account}，收款人叫{accountName}。',
          '我按他说的从几个借款App里借出钱，第一笔{amount1}转给了{bankName}账户{account}，户名{accountName}。',
        ],
      },
      {
        optional: true,
        alts: [
          '转完他说还有一个平台的额度没清零，让我继续借钱再转。',
          '他说还有平台额度没清零，征信还是有问题，让我接着借接着转。',
        ],
      },
      {
        optional: true,
        alts: [
          '他一直让我保持通话，说挂了电话注销流程就要重来。',
          '整个过程他不让我挂电话，说中断了就要重新走注销流程。',
        ],
      },
      {
        alts: [
          '我一共转出去{amount}，还背上了几笔网贷，后来打官方客服才知道根本不存在注销{product}这回事。',
          '最后一共被骗{amount}，这些钱都是借的，问了官方客服才知道所谓注销{product}是骗局。',
        ],
      },
    ],
  },
  {
    id: 'zh-game-trading-1',
    category: 'game_trading',
    lang: 'zh',
    channels: ['im', 'url', 'transfer'],
    vars: {
      game: ['王者荣耀', '和平精英', '原神'],
      item: ['游戏账号', '稀有皮肤账号'],
    },
    lines: [
      {
        alts: [
          '{date}我在游戏群里发帖想卖我的{game}{item}，{time}有个买家私聊我说想买。',
          '{date}{time}，我在贴吧发了出售{game}{item}的帖子，很快就有个买家私聊我说想买。',
        ],
      },
      {
        alts: [
          '买家让我加QQ{contactIm}，说要在一个叫{brand}的交易平台上交易，有担保更安全。',
          '对方加了我QQ{contactIm}，说为了安全要通过{brand}交易平台担保交易。',
        ],
      },
      {
        alts: [
          '他发来链接{url}让我注册卖家账号并上架{item}，没多久就显示买家已付款。',
          '我点开他发的链接{url}注册卖家账号，把{item}上架，页面马上就显示买家已经付款。',
        ],
      },
      {
        alts: [
          '我提现时平台提示我的银行卡号填错，资金被冻结，要联系客服解冻。',
          '我去提现，平台说收款银行卡信息有误，资金冻结，让我找在线客服解冻。',
        ],
      },
      {
        alts: [
          '客服说解冻需要交保证金{amount1}，交了以后连同货款一起退给我，让我转到{bankName}户名{accountName}的账户{account}。',
          '平台客服说要先交{amount1}保证金解冻，款项打到{bankName}账户{account}，户名{accountName}，会跟货款一起提现。',
        ],
      },
      {
        optional: true,
        alts: [
          '交完之后客服又说我的账户等级不够，需要再充值升级会员才能提现。',
          '之后客服说我是普通会员，提现额度不够，要再交钱升级会员。',
        ],
      },
      {
        optional: true,
        alts: [
          '买家也一直催我，说他钱已经付了，让我快点处理，不然就要投诉我。',
          '买家那边也在催，说钱都付了，我不处理他就投诉我。',
        ],
      },
      {
        alts: [
          '前后转了{amount}，钱一分没提出来，网站打不开，买家和客服QQ都把我删了。',
          '我一共被骗{amount}，{item}没卖出去反而倒贴了钱，平台链接失效，QQ也被拉黑。',
        ],
      },
    ],
  },
  {
    id: 'zh-game-trading-2',
    category: 'game_trading',
    lang: 'zh',
    channels: ['im', 'transfer'],
    vars: {
      game: ['王者荣耀', '和平精英', '蛋仔派对'],
      gift: ['限定皮肤', '免费皮肤', '点券'],
    },
    lines: [
      {
        alts: [
          '{date}{time}，我孩子在玩{game}时看到有人说可以免费领{gift}，对方让他加QQ{contactIm}。',
          '{date}我儿子玩{game}的时候，有人在游戏里说免费送{gift}，让他添加QQ{contactIm}领取。',
        ],
      },
      {
        alts: [
          '对方自称是{game}官方客服，说孩子中奖了，但领取{gift}要用家长的手机操作。',
          '那个人说自己是{game}的活动客服，孩子被抽中领{gift}，要用家长手机认证。',
        ],
      },
      {
        alts: [
          '孩子拿了我的手机，对方让他扫码付款，说是验证账户，之后会原路退回。',
          '孩子用我的手机按对方要求扫码转账，对方说只是验证账户，马上原路退回。',
        ],
      },
      {
        alts: [
          '转了{amount1}以后，对方说孩子操作失误导致账户冻结，如果不解冻，家长会被起诉坐牢。',
          '孩子转了{amount1}后，对方又吓唬他说操作失误，账户被冻结，不马上解冻父母就要坐牢。',
        ],
      },
      {
        alts: [
          '孩子被吓坏了，又按对方指示转到{bankName}户名{accountName}的账户{account}好几次。',
          '孩子害怕，又照着对方给的{bankName}账户{account}转了好几次，户名是{accountName}。',
        ],
      },
      {
        optional: true,
        alts: [
          '对方还让孩子删掉聊天记录和转账短信，说不能让家长知道。',
          '对方反复叮嘱孩子删掉聊天记录和银行短信，不许告诉家长。',
        ],
      },
      {
        optional: true,
        alts: [
          '对方还让孩子打开我的手机银行，把卡里的余额截图发过去。',
          '他们还让孩子把我手机银行的余额截图发过去。',
        ],
      },
      {
        alts: [
          '我晚上看账单才发现一共被转走了{amount}，问孩子才知道是领{gift}被骗了。',
          '等我发现时卡里一共少了{amount}，孩子哭着说是为了领{gift}，对方的QQ已经把他拉黑了。',
        ],
      },
    ],
  },
  {
    id: 'zh-romance-1',
    category: 'romance',
    lang: 'zh',
    channels: ['im', 'url', 'transfer'],
    vars: {
      site: ['婚恋网站', '交友App', '相亲平台'],
      job: ['做跨境电商', '在海外做工程项目', '在金融公司做分析师'],
    },
    lines: [
      {
        alts: [
          '{date}我在{site}上认识了一个叫{fakeName}的人，他说自己{job}，条件很好。',
          '{date}{time}，我在{site}上和{fakeName}聊上了，他自称{job}，收入不错。',
        ],
      },
      {
        alts: [
          '后来我们加了微信{contactIm}，他每天早晚问候，聊家庭聊未来，说想和我结婚。',
          '我们互加了微信{contactIm}，之后他每天嘘寒问暖，经常聊以后结婚过日子的打算。',
        ],
      },
      {
        optional: true,
        alts: [
          '他给我发了很多生活照和工作照，跟我视频过一次，但说信号不好很快挂了。',
          '他发过很多自拍和办公室照片，视频过一次，没几秒就说信号不好挂断了。',
        ],
      },
      {
        alts: [
          '聊了大概一个月，他说他舅舅在{brand}平台做数据维护，发现了系统漏洞，跟着下注稳赚。',
          '认识一个月左右，他说他有亲戚在{brand}平台做技术，知道平台漏洞，跟着下注稳赚不赔。',
        ],
      },
      {
        alts: [
          '他给我发了网址{url}，让我注册账号，还手把手教我下注，第一次我充了{amount1}。',
          '他让我打开{url}注册账号，教我怎么跟着他的计划下注，我先充值了{amount1}试试。',
        ],
      },
      {
        alts: [
          '刚开始确实赚了，还提现了{refund}，他就劝我为了我们的将来多投一点。',
          '开始几次都赢了，我提了{refund}出来，他说为了我们以后买房要多投一些。',
        ],
      },
      {
        alts: [
          '我陆续把钱转到平台客服给的账户，有一个是{bankName}的{account}，户名{accountName}。',
          '后面我分几次把积蓄转给平台客服提供的账户，其中有{bankName}账户{account}，收款人{accountName}。',
        ],
      },
      {
        optional: true,
        alts: [
          '后来要提现，客服说我的账户流水异常，要先交保证金才能出款。',
          '我想提现时客服说我操作违规，账户异常，要先交一笔保证金才能出款。',
        ],
      },
      {
        alts: [
          '一共投进去{amount}，平台打不开了，{fakeName}也把我微信删了，我才明白他是骗子。',
          '我总共损失{amount}，网站关了，{fakeName}也消失了，我才知道从一开始就是骗局。',
        ],
      },
    ],
  },
  {
    id: 'zh-romance-2',
    category: 'romance',
    lang: 'zh',
    channels: ['im', 'transfer', 'wallet'],
    vars: {
      persona: ['驻外维和军官', '在海外援助的外科医生', '远洋货轮船长'],
      gift: ['珠宝和现金', '名表和美金', '金条和首饰'],
    },
    lines: [
      {
        alts: [
          '{date}一个外国头像的人在社交软件上加我，自称{persona}{fakeName}，中文不太好，用翻译和我聊天。',
          '{date}{time}，一个自称{persona}的{fakeName}在社交软件上加了我，说话用翻译软件，很有礼貌。',
        ],
      },
      {
        alts: [
          '后来我们转到WhatsApp上聊，他的号是{contactIm}，他说他丧偶独自带孩子，很快就说爱上了我。',
          '之后我们转到WhatsApp{contactIm}上聊，他说自己妻子去世了，一个人带孩子很孤独，没多久就说爱我。',
        ],
      },
      {
        optional: true,
        alts: [
          '他说退役后想来中国和我一起生活，让我帮他保管他的积蓄。',
          '他说快要退休了，打算来中国跟我生活，想把积蓄先交给我保管。',
        ],
      },
      {
        alts: [
          '他说给我寄了一个包裹，里面有{gift}，过了几天一个“快递公司”的人联系我说包裹被海关扣了。',
          '他说寄了{gift}给我，几天后就有自称国际快递公司的人找我，说包裹在海关被扣下了。',
        ],
      },
      {
        alts: [
          '对方说包裹要交清关费，我先转了{amount1}到{bankName}的账户{account}，收款人是{accountName}。',
          '快递那边要我交清关费，我先往{bankName}账户{account}转了{amount1}，户名{accountName}。',
        ],
      },
      {
        alts: [
          '之后又说包裹里有现金属于违规，要交罚款和反洗钱证明费，让我买USDT转到地址{wallet}。',
          '后来说包裹里的现金超标，需要交罚款和反洗钱证明费，让我用USDT付款，转到{wallet}。',
        ],
      },
      {
        optional: true,
        alts: [
          '他一直安慰我说钱到了以后都会还我，还说我是他唯一信任的人。',
          '{fakeName}一直说这些钱以后加倍还我，说我是他唯一信任的人。',
        ],
      },
      {
        alts: [
          '我一共付了{amount}，包裹始终没有送到，他的WhatsApp也停用了，我才知道遇上了网恋诈骗。',
          '前后我转了{amount}，包裹一直没见到，{fakeName}也联系不上，这才明白遇上了网恋诈骗。',
        ],
      },
    ],
  },
  {
    id: 'zh-impersonate-acquaintance-1',
    category: 'impersonate_acquaintance',
    lang: 'zh',
    channels: ['im', 'transfer'],
    vars: {
      boss: ['领导', '老板', '局长', '校长'],
      reason: ['给合作方付定金', '帮朋友周转一下', '交项目投标保证金'],
    },
    lines: [
      {
        alts: [
          '{date}{time}，一个微信号{contactIm}加我好友，头像和名字都和我们{boss}{fakeName}一样，说是新号。',
          '{date}有人用微信{contactIm}加我，昵称和头像都是我们{boss}{fakeName}，说这是他的新微信。',
        ],
      },
      {
        alts: [
          '他让我第二天上午去他办公室一趟，我以为真是{boss}就答应了。',
          '他先说明天找我谈点事，让我上午去一趟办公室，我没有怀疑是不是{boss}本人。',
        ],
      },
      {
        optional: true,
        alts: [
          '他还把我拉进一个群，群里有几个人头像像是我们单位的同事。',
          '对方还拉了一个小群，里面几个人看着都是单位的同事。',
        ],
      },
      {
        alts: [
          '过了一会儿他说自己在开会不方便，急着{reason}，让我先帮他转过去，回头他还我。',
          '没多久他说在开会不方便接电话，急着{reason}，让我先垫付一下，之后还给我。',
        ],
      },
      {
        alts: [
          '他发来对方账户，{bankName}，户名{accountName}，账号{account}，我先转了{amount1}。',
          '他给了我一个{bankName}的账户{account}，户名{accountName}，我先打了{amount1}过去。',
        ],
      },
      {
        alts: [
          '转完他说还不够，让我再转一笔，还催我快点，说对方在等着。',
          '他说还差一些，催我再转一笔，说对方那边等着急用。',
        ],
      },
      {
        optional: true,
        alts: [
          '我想打电话确认，他直接挂断，发消息说正在开会不能接。',
          '我打语音过去他拒接，回消息说在开会，让我抓紧。',
        ],
      },
      {
        alts: [
          '一共转了{amount}，后来在单位见到{boss}本人，才知道他根本没加过我，是有人冒充。',
          '我前后转了{amount}，之后当面问了{boss}，他说从没让我转过钱，我才知道被人冒充了。',
        ],
      },
    ],
  },
  {
    id: 'zh-impersonate-acquaintance-2',
    category: 'impersonate_acquaintance',
    lang: 'zh',
    channels: ['call', 'transfer'],
    vars: {
      rel: ['侄子', '外甥', '老同学', '表弟'],
      trouble: ['开车撞了人', '在外地打架被派出所扣了', '生病住院急着交押金'],
    },
    lines: [
      {
        alts: [
          '{date}{time}，我接到一个陌生号码{callerPhone}，对方一开口就说“猜猜我是谁”，我以为是我{rel}。',
          '{date}一个陌生号码{callerPhone}打给我，让我猜他是谁，声音有点像我{rel}，我就叫了他的名字。',
        ],
      },
      {
        alts: [
          '他顺着我的话说就是他，说换了新号码，让我存一下。',
          '他马上就承认了，说手机号换了，让我把这个新号码存一下。',
        ],
      },
      {
        alts: [
          '第二天他又打来，说自己{trouble}，现在急需用钱，又不好意思跟家里说。',
          '隔天他又来电话，说{trouble}，急需用钱，让我先别告诉家里人。',
        ],
      },
      {
        optional: true,
        alts: [
          '过了一会儿有个自称律师{fakeName}的人也打电话给我，说如果今天不把钱交了事情就麻烦了。',
          '后来又有个说是律师{fakeName}的人给我打电话，催我今天马上交钱处理。',
        ],
      },
      {
        alts: [
          '他让我把钱打到{bankName}户名{accountName}的账户{account}，说是对方的账户，第一次我转了{amount1}。',
          '他给了一个{bankName}账户{account}，户名{accountName}，说是对方家属的卡，我先转了{amount1}。',
        ],
      },
      {
        optional: true,
        alts: [
          '转完后他又说钱不够，还要再补一笔，我又转了一次。',
          '他又说还差一点，让我再补，我又转过去一笔。',
        ],
      },
      {
        alts: [
          '后来我打电话给{rel}的家里人，才知道他好好的，根本没出事。',
          '过后我打给{rel}家里人，他们说{rel}一直好好的，根本没换过号码。',
        ],
      },
      {
        alts: [
          '我一共被骗了{amount}，那个号码{callerPhone}再也打不通了。',
          '我总共转出去{amount}，对方的电话已经关机，我这才报案。',
        ],
      },
    ],
  },
  {
    id: 'zh-fake-shopping-1',
    category: 'fake_shopping',
    lang: 'zh',
    channels: ['im', 'transfer'],
    vars: {
      item: ['演唱会门票', '二手苹果手机', '低价名牌包'],
      place: ['朋友圈', '二手交易平台', '短视频评论区'],
    },
    lines: [
      {
        alts: [
          '{date}我在{place}看到有人卖{item}，价格比市面便宜很多，就联系了卖家。',
          '{date}{time}，我在{place}刷到一个卖{item}的，价格特别低，我就私信了卖家。',
        ],
      },
      {
        alts: [
          '卖家让我加他微信{contactIm}，说平台抽成高，私下交易能再便宜一点。',
          '对方让我添加微信{contactIm}，说走平台要手续费，私下交易更便宜。',
        ],
      },
      {
        optional: true,
        alts: [
          '他发了很多实物照片和其他买家的好评截图，还有他的身份证照片，看起来挺靠谱。',
          '他给我看了实拍图和一堆买家的好评截图，还发了身份证照片让我放心。',
        ],
      },
      {
        alts: [
          '我先付了定金{amount1}，转到他给的{bankName}账户{account}，户名{accountName}。',
          '我按他说的先付{amount1}定金，打到{bankName}的{account}，收款人{accountName}。',
        ],
      },
      {
        alts: [
          '他说要付全款才能发货，我又把尾款转了过去，他说当天就发快递。',
          '之后他说全款付清才能发货，我就把剩下的钱也转了，他答应当天寄出。',
        ],
      },
      {
        optional: true,
        alts: [
          '后来又说货被扣在物流中心，要交保价费和税费才能放行。',
          '过了两天他说快递被扣了，需要补交保价费才能继续派送。',
        ],
      },
      {
        alts: [
          '我一直没收到{item}，快递单号也查不到，再发消息发现已经被他拉黑了。',
          '{item}一直没到，他给的快递单号是假的，微信也把我删了。',
        ],
      },
      {
        alts: ['我一共付了{amount}，钱和货都没有了。', '前后共损失{amount}，什么都没收到。'],
      },
    ],
  },
  {
    id: 'zh-fake-shopping-2',
    category: 'fake_shopping',
    lang: 'zh',
    channels: ['url', 'call', 'transfer'],
    vars: {
      pet: ['布偶猫', '柯基犬', '英短蓝猫'],
      fee: ['航空箱费', '防疫保险费', '托运押金'],
    },
    lines: [
      {
        alts: [
          '{date}我在网上看到一个叫{brand}的宠物网站{url}，上面的{pet}很便宜，还写着包邮包健康。',
          '{date}{time}，我搜到{brand}宠物舍的网站{url}，{pet}价格比别处便宜一半，说可以全国托运，包健康。',
        ],
      },
      {
        alts: [
          '我在网站上留了手机号{victimPhone}，一个自称店主{fakeName}的人联系我，发来很多{pet}的视频。',
          '我在网页留下手机号{victimPhone}后，店主{fakeName}联系了我，给我看了好多{pet}的照片和视频。',
        ],
      },
      {
        alts: [
          '我选好一只，把{amount1}转到店主给的{bankName}账户{account}，户名{accountName}。',
          '我挑了一只，按店主说的往{bankName}账户{account}付了{amount1}，收款人{accountName}。',
        ],
      },
      {
        alts: [
          '第二天一个自称宠物托运公司的人用{callerPhone}打电话给我，说托运需要交{fee}，到货后退还。',
          '隔天托运公司的人用{callerPhone}给我打电话，说运宠物要先交{fee}，签收后可以退。',
        ],
      },
      {
        optional: true,
        alts: [
          '交完以后又说宠物在路上应激生病了，要交治疗费和保温箱费。',
          '后来托运的人又说{pet}在路上应激生病了，要交治疗费和保温费。',
        ],
      },
      {
        optional: true,
        alts: [
          '每次交钱对方都说是最后一笔，收到货就全部退还。',
          '对方每次都保证这是最后一笔，到货全额退还。',
        ],
      },
      {
        alts: [
          '我一直没收到{pet}，再打{callerPhone}已经关机，网站{url}也打不开了。',
          '{pet}一直没送到，托运电话{callerPhone}打不通，那个网站也打不开了。',
        ],
      },
      {
        alts: [
          '前后一共被骗{amount}，我这才知道网站和托运公司都是假的。',
          '我一共损失{amount}，网站和所谓的托运公司都是一伙骗子。',
        ],
      },
    ],
  },
  {
    id: 'zh-phishing-sms-1',
    category: 'phishing_sms',
    lang: 'zh',
    channels: ['sms', 'url'],
    vars: {
      service: ['ETC', 'ETC车载设备'],
      deadline: ['今日内', '二十四小时内'],
    },
    lines: [
      {
        alts: [
          '{date}{time}，我收到{smsSender}发来的短信，说我的{service}认证已失效，{deadline}不重新认证将停用，后面附了一个链接。',
          '{date}我收到号码{smsSender}的短信，提示我的{service}认证过期，需要重新认证，否则{deadline}停用，短信里有个链接。',
        ],
      },
      {
        alts: [
          '我点开链接{url}，页面和ETC官方的很像，让我填写车牌号和姓名{victimName}。',
          '我打开了链接{url}，网页看着像官方ETC服务页，先让我填姓名{victimName}和车牌号。',
        ],
      },
      {
        alts: [
          '接着让我输入银行卡号{victimCard}、身份证号{victimId}和预留手机号{victimPhone}。',
          '然后页面要求填银行卡号{victimCard}、身份证号{victimId}，还有银行预留手机号{victimPhone}。',
        ],
      },
      {
        alts: [
          '最后要输入银行卡密码和收到的验证码，我都照着填了。',
          '之后让我输入银行卡密码和手机收到的验证码，我没多想就填了。',
        ],
      },
      {
        optional: true,
        alts: [
          '页面一直显示“认证中”，手机又收到了好几条验证码，我也都填了进去。',
          '网页一直在转圈显示认证中，期间又收到几个验证码，页面让我继续输入，我也输了。',
        ],
      },
      {
        optional: true,
        alts: ['我当时还以为是系统卡了，就没在意。', '我以为是网络慢，系统卡了，没有多想。'],
      },
      {
        alts: [
          '没过几分钟我就收到银行扣款短信，卡里被转走了{amount1}，后面又连续扣了几笔。',
          '几分钟后银行短信提醒我卡里支出了{amount1}，接着又被扣了几笔。',
        ],
      },
      {
        alts: [
          '一共被盗刷{amount}，我马上打银行电话挂失，才知道那个链接是钓鱼网站。',
          '我总共损失了{amount}，赶紧给银行打电话挂失了卡，这才明白是钓鱼短信。',
        ],
      },
    ],
  },
  {
    id: 'zh-phishing-sms-2',
    category: 'phishing_sms',
    lang: 'zh',
    channels: ['sms', 'url'],
    vars: {
      issuer: ['手机营业厅', '银行信用卡中心', '运营商'],
      gift: ['电饭煲', '现金红包', '话费'],
    },
    lines: [
      {
        alts: [
          '{date}{time}，我收到{smsSender}的短信，说我有一笔{issuer}积分即将清零，可以兑换{gift}，点链接办理。',
          '{date}我收到{smsSender}发来的短信，称我的{issuer}积分马上清零，可免费兑换{gift}，附了兑换链接。',
        ],
      },
      {
        alts: [
          '我点开{url}，页面是积分商城，显示我有很多积分，兑换{gift}只要补一点运费。',
          '我打开链接{url}，是一个积分兑换商城，说我的积分够换{gift}，只需支付少量运费。',
        ],
      },
      {
        alts: [
          '付款页面让我填写姓名{victimName}、身份证号{victimId}和银行卡号{victimCard}，还有有效期和卡背面的三位数。',
          '支付时要求输入姓名{victimName}、身份证号{victimId}、银行卡号{victimCard}以及有效期和卡背面的安全码。',
        ],
      },
      {
        alts: [
          '之后又让我输入交易密码和手机收到的动态验证码。',
          '然后页面又让我填了交易密码和短信验证码。',
        ],
      },
      {
        optional: true,
        alts: [
          '页面提示支付失败，让我重新提交，我又输了一次验证码。',
          '网页说付款没成功要重新提交，我就又填了一个验证码。',
        ],
      },
      {
        alts: [
          '很快银行发来短信，我卡里先被扣了{amount1}，紧接着又被刷走几笔。',
          '紧接着我收到银行短信，卡里支出了{amount1}，后面又被刷走好几笔。',
        ],
      },
      {
        optional: true,
        alts: [
          '我以为是兑换出错，回拨了那个号码，一直没人接。',
          '我回拨那个号码想问问兑换的事，一直无人接听。',
        ],
      },
      {
        alts: [
          '一共损失了{amount}，{gift}当然也没收到，问了{issuer}官方客服才知道根本没有积分清零这回事。',
          '最后被盗刷{amount}，我联系{issuer}官方客服核实，对方说从来没发过这种积分兑换短信。',
        ],
      },
    ],
  },
  {
    id: 'zh-malware-app-1',
    category: 'malware_app',
    lang: 'zh',
    channels: ['sms', 'url', 'app', 'transfer'],
    vars: {
      subsidy: ['医保补贴', '育儿补贴', '失业补助金'],
      dept: ['社保局', '人社局'],
    },
    lines: [
      {
        alts: [
          '{date}{time}，我收到{smsSender}的短信，说我可以领取{subsidy}，需要下载{dept}的App办理，后面有个下载链接。',
          '{date}我收到一条{smsSender}发来的短信，通知我符合{subsidy}的领取条件，要通过链接下载{dept}的App申请。',
        ],
      },
      {
        alts: [
          '我点开{url}下载了一个叫{appName}的App，图标看起来很像政府的。',
          '我通过{url}安装了{appName}，名字和图标都像是{dept}的官方软件。',
        ],
      },
      {
        alts: [
          '安装时App要我打开很多权限，包括悬浮窗、无障碍和短信权限，我都点了允许。',
          '打开App后它要求开通无障碍、悬浮窗和读取短信的权限，我全部点了允许。',
        ],
      },
      {
        alts: [
          '然后让我填身份证号{victimId}、银行卡号{victimCard}和密码，说{subsidy}会打到这张卡上。',
          '接着让我录入身份证号{victimId}、银行卡号{victimCard}和密码，说{subsidy}直接发到卡里。',
        ],
      },
      {
        optional: true,
        alts: [
          '填完后页面提示要进行人脸识别，让我对着摄像头眨眼和摇头。',
          '之后还让我刷脸认证，按提示眨眼、摇头。',
        ],
      },
      {
        alts: [
          '之后手机屏幕突然黑了，显示“系统升级中，请勿操作”，我怎么点都没反应。',
          '随后手机黑屏了，上面写着系统升级中请勿操作，我什么都点不了。',
        ],
      },
      {
        alts: [
          '等手机恢复，我发现卡里的钱被分几笔转到了{bankName}户名{accountName}的账户{account}，第一笔是{amount1}。',
          '手机恢复以后，我看到银行卡被转出去好几笔，收款方是{bankName}的{account}，户名{accountName}，第一笔{amount1}。',
        ],
      },
      {
        optional: true,
        alts: [
          '银行的验证码短信都被那个App拦截了，我一条都没看到。',
          '转账验证码短信都被App拦截读走了，我手机上根本没看到。',
        ],
      },
      {
        alts: [
          '一共被转走{amount}，我卸载了那个App去报案，民警说这是能远程控制手机的木马软件。',
          '我总共损失了{amount}，去派出所后才知道{appName}是能远程控制手机的木马软件。',
        ],
      },
    ],
  },
  {
    id: 'zh-malware-app-2',
    category: 'malware_app',
    lang: 'zh',
    channels: ['im', 'app', 'transfer'],
    vars: {
      group: ['小区业主群', '宝妈群', '老乡群'],
      perk: ['免费领鸡蛋', '领超市购物卡', '每天签到领现金'],
    },
    lines: [
      {
        alts: [
          '{date}我在{group}里看到有人发消息，说下载一个叫{appName}的App可以{perk}。',
          '{date}{time}，{group}里有人分享了一个叫{appName}的App，说注册就能{perk}，群里好几个人在接龙。',
        ],
      },
      {
        alts: [
          '我加了分享人的微信{contactIm}，她发给我安装包，说应用商店里搜不到，是内部福利。',
          '我加了发消息的人微信{contactIm}，她直接发来一个安装包，说这是内部福利，商店里搜不到。',
        ],
      },
      {
        alts: [
          '安装时手机提示有风险，她说是因为还没上架，让我点“继续安装”。',
          '安装时手机提示风险，她说新软件没上架都会这样，让我忽略风险继续安装。',
        ],
      },
      {
        alts: [
          '打开后要我授权通讯录、短信和无障碍服务，还绑定了银行卡{victimCard}用来领福利。',
          '软件要求开启短信、通讯录和无障碍权限，又让我绑定银行卡{victimCard}用于发放福利。',
        ],
      },
      {
        optional: true,
        alts: [
          '刚开始确实到账了{refund}，我还在群里说是真的。',
          '一开始还真给我发了{refund}，我觉得挺靠谱，还推荐给了家人。',
        ],
      },
      {
        alts: [
          '半夜我睡着时，手机自己在操作，把我卡里的钱转了出去，第一笔是{amount1}，收款账户是{bankName}的{account}。',
          '夜里我睡觉的时候，卡里的钱被一笔笔转走，第一笔{amount1}，转到了{bankName}账户{account}。',
        ],
      },
      {
        optional: true,
        alts: [
          '收款人叫{accountName}，我根本不认识，银行发的验证码短信也被删掉了。',
          '收款户名是{accountName}，我不认识这个人，手机里的银行验证码短信都被删了。',
        ],
      },
      {
        alts: [
          '第二天早上我才发现一共少了{amount}，那个分享人已经退群，微信也把我拉黑了。',
          '早上起来发现卡里一共被转走{amount}，分享App的人退了群，微信也联系不上了。',
        ],
      },
    ],
  },
  {
    id: 'zh-sextortion-1',
    category: 'sextortion',
    lang: 'zh',
    channels: ['im', 'app', 'transfer'],
    vars: {
      site: ['交友App', '社交软件', '附近的人'],
      threat: ['发给你通讯录里的所有人', '发到你单位的群里', '发给你老婆'],
    },
    lines: [
      {
        alts: [
          '{date}晚上，我在{site}上认识了一个女孩，聊了几句她就主动要我加她QQ{contactIm}。',
          '{date}{time}，一个女生通过{site}加了我，很快让我加她QQ{contactIm}继续聊。',
        ],
      },
      {
        alts: [
          '她聊天很暧昧，主动发了些照片，后来提出要和我视频裸聊。',
          '她一直聊些暧昧的话，还发了自拍，后来约我视频裸聊。',
        ],
      },
      {
        alts: [
          '她说QQ视频会被封号，让我下载一个叫{appName}的直播App，说那个画面更清楚也更安全。',
          '她说QQ视频不安全，给我发了{appName}的下载包，说用这个视频画面更清楚更安全。',
        ],
      },
      {
        alts: [
          '我安装时App要读取通讯录，我没多想就允许了，视频时她引导我脱衣服。',
          '安装{appName}时要授权通讯录，我点了允许，视频过程中她引导我脱衣服做不雅动作。',
        ],
      },
      {
        alts: [
          '视频结束没多久，对方发来我的视频截图和我的通讯录名单，威胁要{threat}。',
          '挂了视频后对方就变脸，发来录屏和我手机通讯录的截图，说不给钱就{threat}。',
        ],
      },
      {
        alts: [
          '我怕丢人，就按他们要求先转了{amount1}到{bankName}户名{accountName}的账户{account}。',
          '我很害怕，先往对方给的{bankName}账户{account}转了{amount1}，收款人是{accountName}。',
        ],
      },
      {
        optional: true,
        alts: [
          '转完他们又说删视频还要交删除费，不然照样发出去。',
          '他们收了钱又说删视频要另外收费，不交就全部发出去。',
        ],
      },
      {
        optional: true,
        alts: [
          '对方还发了几张已经发给我朋友的截图，逼我快点给钱。',
          '他们还截图说已经发给我一个朋友了，催我赶紧转钱。',
        ],
      },
      {
        alts: [
          '我前后转了{amount}，对方还在要钱，我才决定报警。',
          '我一共被敲诈了{amount}，他们没完没了，我只好报警。',
        ],
      },
    ],
  },
  {
    id: 'zh-sextortion-2',
    category: 'sextortion',
    lang: 'zh',
    channels: ['sms', 'im', 'wallet'],
    vars: {
      place: ['酒店', '按摩店', 'KTV'],
      target: ['你单位纪委', '你家里人', '你的同事'],
    },
    lines: [
      {
        alts: [
          '{date}{time}，我收到号码{smsSender}发来的短信，说掌握了我在{place}的不雅照片，让我加QQ{contactIm}处理。',
          '{date}我收到{smsSender}的短信，称有我在{place}的不雅照片，要我添加QQ{contactIm}私下解决。',
        ],
      },
      {
        alts: [
          '我加了QQ后，对方发来几张照片，是把我的脸P到别人身上的，背景像是{place}。',
          '加上QQ以后他发来几张合成的照片，脸是我的，背景是在{place}里。',
        ],
      },
      {
        alts: [
          '对方能说出我的名字{victimName}、手机号和工作单位，说不给钱就把照片发给{target}。',
          '对方知道我叫{victimName}，还知道我的手机号和工作单位，威胁说不给钱就把照片寄给{target}。',
        ],
      },
      {
        optional: true,
        alts: [
          '我说照片是假的，他说真假不重要，传出去我就说不清了。',
          '我跟他说这是合成的，他说别人看了不会管真假，传出去我说不清。',
        ],
      },
      {
        alts: [
          '他要求用USDT付款，发给我一个钱包地址{wallet}，我找币商买了币，先转过去{amount1}。',
          '他只收USDT，让我转到钱包地址{wallet}，我第一次买了{amount1}的币打了过去。',
        ],
      },
      {
        alts: [
          '收到后他说还要再给一笔“封口费”，保证删掉所有照片。',
          '对方收到币以后又要一笔封口费，说这次保证删干净所有照片。',
        ],
      },
      {
        optional: true,
        alts: [
          '他给了我一个截止时间，说过了时间就直接把照片寄出去。',
          '他还规定了时间，说到点不付就寄照片。',
        ],
      },
      {
        alts: [
          '我一共付了{amount}，对方还在继续要，我这才报了警，也举报了那个发短信的号码。',
          '前后被敲诈{amount}，他还不停要钱，我才决定报警并举报那个短信号码。',
        ],
      },
    ],
  },
  {
    id: 'zh-other-1',
    category: 'other',
    lang: 'zh',
    channels: ['call', 'url', 'transfer'],
    vars: {
      prize: ['一等奖轿车一辆', '二等奖现金', '三等奖笔记本电脑'],
      fee: ['个人所得税', '公证费', '手续费'],
    },
    lines: [
      {
        alts: [
          '{date}我收到一个快递，里面是{brand}的产品宣传册和一张刮刮卡，我刮出了{prize}。',
          '{date}我家收到一封陌生邮件，里面装着{brand}的宣传册和刮刮卡，刮开显示中了{prize}。',
        ],
      },
      {
        alts: [
          '卡上印着领奖网址{url}，我上去输入卡号和验证码，页面显示中奖属实。',
          '我按卡背面印的网址{url}查询，输入兑奖码后网站显示确实中了{prize}。',
        ],
      },
      {
        alts: [
          '{time}我打了网站上的领奖电话，后来对方用{callerPhone}回电，说奖品可以折现领取。',
          '我拨了网站上的领奖热线，之后一个号码{callerPhone}回电，说{prize}可以直接折现。',
        ],
      },
      {
        optional: true,
        alts: [
          '对方还让我在网站上传身份证照片，填了银行卡号{victimCard}，说奖金会打到这张卡。',
          '他让我在网站登记身份证和银行卡号{victimCard}，说奖金会打到这张卡上。',
        ],
      },
      {
        alts: [
          '领奖前要先交{fee}，我把{amount1}转到了{bankName}户名{accountName}的账户{account}。',
          '对方说按规定要先缴{fee}，我就往{bankName}账户{account}转了{amount1}，收款人是{accountName}。',
        ],
      },
      {
        alts: [
          '交完以后又说要交保证金和律师费，不交就算我违约，要起诉我。',
          '后面又说还要交律师费和保证金，如果放弃领奖就是违约，要赔违约金。',
        ],
      },
      {
        optional: true,
        alts: [
          '我说不想领了，对方说已经走了法律程序，不交钱就要吃官司。',
          '我想放弃领奖，对方威胁说已经走了法律程序，会让法院起诉我。',
        ],
      },
      {
        alts: [
          '我一共转了{amount}，奖金一直没到，网站和电话都没了，才知道这是中奖诈骗。',
          '前后被骗了{amount}，所谓奖金一分没见到，网站打不开，再打电话已经是空号。',
        ],
      },
    ],
  },
];
