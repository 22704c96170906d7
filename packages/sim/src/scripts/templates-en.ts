/** English scam script templates: each campaign as foreign residents in China retell it. */
import type { ScriptTemplate } from './script-template.js';

export const EN_TEMPLATES: readonly ScriptTemplate[] = [
  {
    id: 'en-task-rebate-1',
    category: 'task_rebate',
    lang: 'en',
    channels: ['im', 'app', 'transfer'],
    vars: {
      task: ['liking videos on Douyin', 'rating hotels online', 'following shops on Taobao'],
      recruiter: ['a recruiter', 'an HR assistant'],
    },
    lines: [
      {
        alts: [
          'On {date} {time} I got a WhatsApp message from {recruiter} offering a part-time online job: {task} for a small commission per task.',
          'On {date} {recruiter} messaged me out of nowhere on WhatsApp about easy part-time work, {task} and sending screenshots for a commission.',
        ],
      },
      {
        alts: [
          'She asked me to add her on WeChat ({contactIm}) and said she worked for {brand}. After the first few tasks the commission arrived right away.',
          'She had me add her WeChat {contactIm}, introduced herself as a {brand} mentor, and paid me a commission for the first few tasks right away.',
        ],
      },
      {
        alts: [
          'Then she had me install an app called {appName}, saying the better-paid "premium tasks" were only available there.',
          'Next I was told to download {appName} and register, because the better-paid "premium tasks" only ran inside the app.',
        ],
      },
      {
        optional: true,
        alts: [
          'She added me to a group where other "members" kept posting screenshots of big withdrawals.',
          'I was put in a group chat where everyone shared screenshots of their withdrawals, which made it look legit.',
        ],
      },
      {
        alts: [
          'The first premium task needed a top-up of {amount1}. It came back quickly and I was able to withdraw {refund}.',
          'For the first premium task I had to top up {amount1}, and soon after I could withdraw {refund}, so I trusted it.',
        ],
      },
      {
        alts: [
          'Then came "combo tasks" that needed bigger top-ups, paid by bank transfer to {accountName} at {bankName}, account {account}.',
          'After that the app gave me a "combo task" with several bigger top-ups in a row, each paid by bank transfer to {accountName}, {bankName} account {account}.',
        ],
      },
      {
        optional: true,
        alts: [
          'On the last task they said I had made an operation error and my account was frozen, so I had to pay a fee to unfreeze it.',
          'At the end customer service claimed I had made an operation error, froze my account and asked for an unfreezing fee.',
        ],
      },
      {
        alts: [
          'In total I paid {amount} and could never withdraw it. The mentor blocked me and the app stopped loading.',
          'Altogether I lost {amount}. I never got my money out, and both the mentor and customer service blocked me.',
        ],
      },
    ],
  },
  {
    id: 'en-fake-investment-1',
    category: 'fake_investment',
    lang: 'en',
    channels: ['im', 'url', 'wallet'],
    vars: {
      product: ['crypto arbitrage', 'AI quant trading', 'gold futures'],
      met: ['LinkedIn', 'a language exchange app', 'an expat WeChat group'],
    },
    lines: [
      {
        alts: [
          'On {date} I was contacted on {met} by {fakeName}, who said she was a financial analyst in Shanghai, and she later added me on WeChat ({contactIm}).',
          'On {date} {time}, {fakeName} reached out to me through {met}, said she worked in finance in Shanghai, and we moved to WeChat ({contactIm}).',
        ],
      },
      {
        alts: [
          'She often talked about her profits from {product} and eventually offered to show me how she did it.',
          'She kept mentioning how much she made from {product} and offered to teach me her strategy.',
        ],
      },
      {
        alts: [
          'She sent me a link to a trading platform called {brand} at {url} and helped me open an account.',
          'She told me to register on {brand}, a trading platform at {url}, and walked me through opening an account.',
        ],
      },
      {
        alts: [
          'To fund the account I bought USDT and sent it to the deposit address {wallet}. The first deposit was {amount1}.',
          'I had to buy USDT and send it to the platform deposit address {wallet}; my first deposit was {amount1}.',
        ],
      },
      {
        optional: true,
        alts: [
          'My balance grew fast and a small test withdrawal of {refund} went through, so I believed it was real.',
          'The balance kept going up, and when I tried withdrawing {refund} it arrived, so I trusted the platform.',
        ],
      },
      {
        alts: [
          'She then pushed me to join a "VIP event" with higher returns, and I kept sending more USDT to the same address.',
          'Later she urged me to put in more for a limited "VIP event" with higher returns, so I sent more USDT to that address.',
        ],
      },
      {
        optional: true,
        alts: [
          'When I asked to withdraw everything, support said I first had to pay tax and a security deposit.',
          'When I tried to cash out, customer support demanded tax and a security deposit before releasing the funds.',
        ],
      },
      {
        alts: [
          'I lost {amount} in total. The site {url} went offline and {fakeName} deleted me on WeChat.',
          'In total I lost {amount}; the platform disappeared and {fakeName} blocked me on WeChat.',
        ],
      },
    ],
  },
  {
    id: 'en-fake-loan-1',
    category: 'fake_loan',
    lang: 'en',
    channels: ['sms', 'app', 'transfer'],
    vars: {
      need: ['a rent deposit', 'tuition fees', 'a flight home'],
      fee: ['an unfreezing fee', 'a guarantee deposit', 'a verification payment'],
    },
    lines: [
      {
        alts: [
          'On {date} I got a text from {smsSender} offering fast loans for foreigners with no credit check, at a time when I needed money for {need}.',
          'On {date} {time} a text from {smsSender} advertised instant loans for foreigners with no credit check, and I needed cash for {need}.',
        ],
      },
      {
        alts: [
          'The text told me to install an app called {appName}, where I entered my passport details, my phone number {victimPhone} and my bank card.',
          'I downloaded {appName} as the text said and filled in my passport details, my phone number {victimPhone} and my bank card number.',
        ],
      },
      {
        alts: [
          'The app said my loan was approved, but the payout failed because my card number was supposedly wrong and the funds were frozen.',
          'The loan showed as approved, but the app said the payout failed because of a wrong card number and the money was frozen.',
        ],
      },
      {
        alts: [
          'Customer service in the app told me to pay {fee} to prove I could repay, and promised to return it with the loan.',
          'The in-app support agent said I had to pay {fee} to prove I could repay and that it would be returned with the loan.',
        ],
      },
      {
        alts: [
          'I transferred {amount1} to {accountName}, account {account} at {bankName}.',
          'I sent {amount1} by bank transfer to account {account} at {bankName}, in the name of {accountName}.',
        ],
      },
      {
        optional: true,
        alts: [
          'Then they said my transfer was late and I also had to pay insurance and a service fee.',
          'After that they said the transfer had timed out and asked for an extra insurance fee and service fee.',
        ],
      },
      {
        optional: true,
        alts: [
          'I borrowed from a friend to keep paying because I was afraid of losing what I had already sent.',
          'I even borrowed money from a classmate so I would not lose what I had already paid.',
        ],
      },
      {
        alts: [
          'I paid {amount} in total and never received any loan; the app stopped working and support vanished.',
          'Altogether I lost {amount}, got no loan at all, and the app would not open anymore.',
        ],
      },
    ],
  },
  {
    id: 'en-fake-customer-service-1',
    category: 'fake_customer_service',
    lang: 'en',
    channels: ['call', 'app', 'transfer'],
    vars: {
      shop: ['Taobao', 'JD', 'Pinduoduo'],
      item: ['a hair dryer', 'a phone charger', 'some baby formula'],
    },
    lines: [
      {
        alts: [
          'On {date} {time} I got a call from {callerPhone}. The caller said he was {shop} customer service and that {item} I had bought was being recalled for quality problems.',
          'On {date} someone called me from {callerPhone}, claiming to be {shop} customer service, and said {item} I had ordered was being recalled for a quality problem.',
        ],
      },
      {
        alts: [
          'He knew my name, my order and my address, and offered me a full refund plus compensation.',
          'He had my name and order details and said I would get a full refund and extra compensation.',
        ],
      },
      {
        alts: [
          'Because my Chinese is not great, he told me to install {appName} and share my screen so he could guide me.',
          'He asked me to download {appName}, join a meeting and share my screen, saying it would make it easier to guide a foreigner.',
        ],
      },
      {
        optional: true,
        alts: [
          'He had me turn on the credit feature in my payment app, saying the refund had to go through it.',
          'He walked me through turning on a credit line in my payment app and said that was how the refund worked.',
        ],
      },
      {
        alts: [
          'He said the refund had failed and I had to transfer {amount1} to a verification account, {account} at {bankName}, to confirm my identity.',
          'Then he said the refund could not go through and I needed to send {amount1} to a verification account at {bankName}, number {account}.',
        ],
      },
      {
        alts: [
          'The account holder was {accountName}. He said I had made a mistake and had to repeat the transfer, so I sent more.',
          'The account was in the name of {accountName}. He claimed my transfer was wrong and asked me to send it again.',
        ],
      },
      {
        optional: true,
        alts: [
          'He kept me on the phone the whole time and told me not to open my bank notifications.',
          'He never let me hang up and told me not to look at the texts from my bank.',
        ],
      },
      {
        alts: [
          'I lost {amount} in total. When I contacted {shop} directly they said there was no recall.',
          'Altogether {amount} was gone, and the real {shop} customer service told me there was no recall and nobody had called me.',
        ],
      },
    ],
  },
  {
    id: 'en-impersonate-authority-1',
    category: 'impersonate_authority',
    lang: 'en',
    channels: ['call', 'im', 'transfer'],
    vars: {
      office: ['Public Security Bureau', 'Exit-Entry Administration', 'city police'],
      crime: ['money laundering', 'smuggling', 'drug trafficking'],
    },
    lines: [
      {
        alts: [
          'On {date} {time} I got a call from {callerPhone}. The caller said my passport and residence permit had been used to open a bank account linked to {crime}.',
          'On {date} someone called me from {callerPhone} and said a bank account opened with my passport and residence permit was involved in {crime}.',
        ],
      },
      {
        alts: [
          'He put me through to an Officer {fakeSurname} from the {office}, who spoke good English and said my visa would be cancelled and I could be deported.',
          'The call was passed to an Officer {fakeSurname} of the {office}, who told me in English that I could lose my visa and be deported.',
        ],
      },
      {
        alts: [
          'Officer {fakeSurname} asked me to add him on WeChat ({contactIm}) for a video statement and showed me a warrant with my name and ID number {victimId}.',
          'He made me add his WeChat {contactIm} for a video statement, wore a uniform on camera, and showed me a warrant with my name and ID number {victimId}.',
        ],
      },
      {
        optional: true,
        alts: [
          'He said the case was confidential and I must not tell my employer, my embassy or my friends.',
          'He insisted the investigation was confidential and that telling my school, my embassy or anyone else would make it worse.',
        ],
      },
      {
        alts: [
          'To prove my innocence I had to move my savings into a "safe account" for checking, and it would be returned after the investigation.',
          'He said my money had to be checked, so I should transfer it into a "safe account" and it would all be returned after the investigation.',
        ],
      },
      {
        alts: [
          'I transferred {amount1} first to {accountName}, account {account} at {bankName}.',
          'My first transfer of {amount1} went to {bankName}, account {account}, in the name of {accountName}.',
        ],
      },
      {
        optional: true,
        alts: [
          'He then said my other accounts also had to be checked, so I sent the rest of my savings.',
          'Later he told me the money on my other card had to be checked too, so I sent that as well.',
        ],
      },
      {
        alts: [
          'I lost {amount} in total. At the local police station they told me the police never ask anyone to move money to a safe account.',
          'In total I sent {amount}. When I went to the police station in person they told me there is no such thing as a safe account.',
        ],
      },
    ],
  },
  {
    id: 'en-fake-credit-repair-1',
    category: 'fake_credit_repair',
    lang: 'en',
    channels: ['call', 'app', 'transfer'],
    vars: {
      platform: ['Alipay', 'a bank credit card centre', 'a student loan platform'],
      record: ['a student loan', 'an old credit card', 'an unpaid phone contract'],
    },
    lines: [
      {
        alts: [
          'On {date} {time} a caller from {callerPhone} said he was from {platform} and that {record} under my name was hurting my credit record in China.',
          'On {date} I got a call from {callerPhone}; the man said he worked for {platform} and that {record} registered to me had damaged my credit record.',
        ],
      },
      {
        alts: [
          'He said a bad credit record could stop me renewing my work permit or renting an apartment, and offered to clear it for me.',
          'He warned that a bad credit record could affect my work permit renewal and my lease, and said he could clear it.',
        ],
      },
      {
        alts: [
          'He told me to install {appName} and share my screen so he could check my credit limits on different apps.',
          'I was told to download {appName} and share my screen so he could see the credit limits on my apps.',
        ],
      },
      {
        alts: [
          'To clear the record I had to borrow my full limits and transfer the money to a supervised account, and it would be returned once the record was cleared.',
          'He explained I needed to borrow all my available credit and send it to a supervised account, and it would be paid back after the record was cleared.',
        ],
      },
      {
        alts: [
          'I borrowed the money and transferred {amount1} to {accountName}, account {account} at {bankName}.',
          'I took out loans on the apps and sent {amount1} to account {account} at {bankName}, in the name of {accountName}.',
        ],
      },
      {
        optional: true,
        alts: [
          'He then said another platform still showed a limit and I had to repeat the process.',
          'After that he claimed one more platform still had a limit open, so I borrowed and transferred again.',
        ],
      },
      {
        optional: true,
        alts: [
          'He also charged a separate "service fee" for the credit repair.',
          'On top of that he asked for a service fee for repairing my credit record.',
        ],
      },
      {
        alts: [
          'I lost {amount} and now owe the loans as well. My bank told me nobody can delete credit records for a fee.',
          'In total {amount} is gone and I still have to repay the loans; my bank confirmed credit records cannot be repaired for a fee.',
        ],
      },
    ],
  },
  {
    id: 'en-game-trading-1',
    category: 'game_trading',
    lang: 'en',
    channels: ['im', 'url', 'transfer'],
    vars: {
      game: ['Genshin Impact', 'Honor of Kings', 'PUBG Mobile'],
      item: ['account', 'rare skins'],
    },
    lines: [
      {
        alts: [
          'On {date} I posted in a gamer group that I was selling my {game} {item}, and {time} a buyer messaged me.',
          'On {date} {time} a buyer contacted me after I advertised my {game} {item} for sale in a gaming group.',
        ],
      },
      {
        alts: [
          'The buyer asked me to add him on QQ ({contactIm}) and said we should use an escrow trading platform called {brand}.',
          'He added me on QQ, {contactIm}, and suggested using {brand}, an escrow trading platform, to be safe.',
        ],
      },
      {
        alts: [
          'He sent a link {url}; I registered, listed my {item}, and soon the site said the buyer had paid.',
          'I opened his link {url}, made a seller account and listed the {item}, and the site quickly showed the buyer had paid.',
        ],
      },
      {
        alts: [
          'When I tried to withdraw, the site said my bank card details were wrong and the money was frozen.',
          'The withdrawal failed with a message that my bank card details were incorrect and the funds were frozen.',
        ],
      },
      {
        alts: [
          'The support chat said I had to pay a deposit of {amount1} to unfreeze it, to {accountName} at {bankName}, account {account}.',
          'Site support asked for a deposit of {amount1} to unfreeze the funds, paid to {bankName} account {account}, name {accountName}.',
        ],
      },
      {
        optional: true,
        alts: [
          'After that they said I had to upgrade to VIP to withdraw such a large sum.',
          'Then support told me my membership level was too low and I had to pay for VIP to withdraw.',
        ],
      },
      {
        optional: true,
        alts: [
          'The buyer kept pressuring me, saying he had already paid and would report me.',
          'Meanwhile the buyer kept messaging me to hurry up or he would report me.',
        ],
      },
      {
        alts: [
          'I lost {amount} in total, never got paid for the {item}, and the buyer blocked me on QQ.',
          'Altogether I paid {amount}; the site went down and the buyer and support both blocked me on QQ.',
        ],
      },
    ],
  },
  {
    id: 'en-romance-1',
    category: 'romance',
    lang: 'en',
    channels: ['im', 'url', 'transfer'],
    vars: {
      dating: ['Tinder', 'Bumble', 'a dating app'],
      job: [
        'an engineer in Shenzhen',
        'a wine importer in Hong Kong',
        'a fashion buyer in Shanghai',
      ],
    },
    lines: [
      {
        alts: [
          'On {date} I matched on {dating} with {fakeName}, who said he was {job}.',
          'On {date} {time} I started talking to {fakeName} on {dating}; he told me he was {job}.',
        ],
      },
      {
        alts: [
          'We moved to WeChat ({contactIm}) and talked every day. He was caring and soon talked about a future together.',
          'He asked for my WeChat and added me from {contactIm}; we chatted every morning and night and he soon talked about a future together.',
        ],
      },
      {
        optional: true,
        alts: [
          'He always had an excuse not to meet in person, and our only video call dropped after a few seconds.',
          'Whenever I suggested meeting he was travelling for work, and video calls always dropped after a few seconds.',
        ],
      },
      {
        alts: [
          'After a few weeks he told me his uncle worked at {brand} and knew a loophole that gave guaranteed profits on their platform.',
          'About a month in, he said his uncle had inside knowledge of a loophole on the {brand} platform and that we could make guaranteed profits together.',
        ],
      },
      {
        alts: [
          'He sent me the link {url}, helped me register, and told me to start with {amount1}.',
          'He gave me the website {url}, walked me through signing up, and I put in {amount1} to start.',
        ],
      },
      {
        alts: [
          'The first rounds won and I withdrew {refund}, so when he said to invest more for our future, I did.',
          'At first I made money and took out {refund}, so I trusted him and put in more for our future.',
        ],
      },
      {
        alts: [
          'I paid my deposits by bank transfer to accounts the site gave me, including {accountName} at {bankName}, account {account}.',
          'The site told me to pay into different bank accounts, one of them {bankName} account {account} in the name of {accountName}.',
        ],
      },
      {
        optional: true,
        alts: [
          'When I tried to withdraw, the site said my account showed "abnormal activity" and demanded a deposit.',
          'When I wanted my money back, customer service said my account was flagged for abnormal activity and I had to pay a deposit.',
        ],
      },
      {
        alts: [
          'I lost {amount} in total, the website vanished and {fakeName} blocked me on WeChat.',
          'Altogether I lost {amount}; {fakeName} disappeared and the site stopped loading.',
        ],
      },
    ],
  },
  {
    id: 'en-impersonate-acquaintance-1',
    category: 'impersonate_acquaintance',
    lang: 'en',
    channels: ['im', 'transfer'],
    vars: {
      boss: ['my school principal', 'my manager', 'the head of my department'],
      reason: [
        'a deposit for a supplier',
        'a hospital bill for a friend',
        'a visa fee for a new teacher',
      ],
    },
    lines: [
      {
        alts: [
          'On {date} {time} a WeChat account {contactIm} added me. It had the same name and photo as {boss}, {fakeName}, and said it was a new account.',
          'On {date} I got a friend request from WeChat account {contactIm} using the name and photo of {boss}, {fakeName}, saying it was a new account.',
        ],
      },
      {
        alts: [
          'He asked me to come to his office the next morning, so I did not suspect anything.',
          'First he said he wanted to see me in his office the next morning, which made it feel normal.',
        ],
      },
      {
        optional: true,
        alts: [
          'He added me to a small group with a few accounts that looked like colleagues.',
          'He also created a group chat with several accounts that looked like my co-workers.',
        ],
      },
      {
        alts: [
          'Later he said he was in a meeting and urgently needed to pay {reason}, and asked me to pay first and he would pay me back.',
          'Then he messaged that he was stuck in a meeting and needed me to cover {reason}, promising to pay me back that afternoon.',
        ],
      },
      {
        alts: [
          'He sent the bank details: {accountName}, account {account} at {bankName}. I transferred {amount1}.',
          'He gave me an account at {bankName}, number {account}, in the name of {accountName}, and I sent {amount1}.',
        ],
      },
      {
        alts: [
          'He then said it was not enough and asked for another transfer quickly.',
          'Afterwards he said a bit more was needed and pushed me to send another payment right away.',
        ],
      },
      {
        optional: true,
        alts: [
          'When I tried to call him on WeChat he declined and said he could not talk.',
          'I tried a voice call but he declined it and texted that he was still in the meeting.',
        ],
      },
      {
        alts: [
          'I sent {amount} in total. When I saw {boss} at work, he said he had never contacted me.',
          'Altogether I lost {amount}; when I asked {boss} in person, he said someone had impersonated him.',
        ],
      },
    ],
  },
  {
    id: 'en-fake-shopping-1',
    category: 'fake_shopping',
    lang: 'en',
    channels: ['im', 'transfer'],
    vars: {
      item: ['concert tickets', 'a second-hand iPhone', 'a road bike'],
      place: ['Xianyu', 'an expat marketplace group', 'WeChat Moments'],
    },
    lines: [
      {
        alts: [
          'On {date} I saw {item} for sale on {place} for much less than the usual price and contacted the seller.',
          'On {date} {time} I found {item} on {place} at a really low price and messaged the seller.',
        ],
      },
      {
        alts: [
          'The seller asked me to add him on WeChat ({contactIm}) and said paying outside the platform would save fees.',
          'He wanted to move to WeChat, ID {contactIm}, saying we could avoid the platform fees that way.',
        ],
      },
      {
        optional: true,
        alts: [
          'He sent photos, screenshots of happy buyers, and even a picture of his ID card.',
          'He shared lots of photos, reviews from other buyers and a photo of his ID card to make me feel safe.',
        ],
      },
      {
        alts: [
          'I paid a deposit of {amount1} to his account {account} at {bankName}, name {accountName}.',
          'I transferred {amount1} as a deposit to {accountName}, {bankName} account {account}.',
        ],
      },
      {
        alts: [
          'He then said he would ship only after full payment, so I paid the rest.',
          'Then he told me he needed full payment before shipping, and I sent the rest.',
        ],
      },
      {
        optional: true,
        alts: [
          'Later he said the parcel was held at the courier and I had to pay for insurance.',
          'After that he claimed the courier was holding it and asked for an insurance fee.',
        ],
      },
      {
        alts: [
          'The tracking number he gave me did not exist and he blocked me on WeChat.',
          'Nothing arrived, the tracking number was fake, and he deleted me on WeChat.',
        ],
      },
      {
        alts: ['I lost {amount} in total.', 'Altogether I paid {amount} and received nothing.'],
      },
    ],
  },
  {
    id: 'en-phishing-sms-1',
    category: 'phishing_sms',
    lang: 'en',
    channels: ['sms', 'url'],
    vars: {
      sender: ['China Post', 'a courier company', 'customs'],
      reason: ['an unpaid customs fee', 'an incomplete address'],
    },
    lines: [
      {
        alts: [
          'On {date} {time} I received a text from {smsSender} claiming to be {sender}, saying my parcel was on hold because of {reason}.',
          'On {date} I got a text from {smsSender}, supposedly from {sender}, telling me my parcel could not be delivered because of {reason}.',
        ],
      },
      {
        alts: [
          'Since I was waiting for a parcel from home, I opened the link {url}.',
          'I was actually expecting a parcel from abroad, so I clicked the link {url}.',
        ],
      },
      {
        alts: [
          'The page looked official and asked for my name {victimName}, my phone number {victimPhone} and my address.',
          'The website looked like an official page and asked me to fill in my name {victimName}, my phone number {victimPhone} and my address.',
        ],
      },
      {
        alts: [
          'Then it asked me to pay a small fee by card, so I entered my card number {victimCard}, the expiry date and the security code.',
          'Next it asked for a small payment by card, and I typed in my card number {victimCard}, the expiry date and the security code.',
        ],
      },
      {
        alts: [
          'It then asked for the verification code sent to my phone, and I entered it.',
          'A verification code arrived on my phone and the page told me to enter it, so I did.',
        ],
      },
      {
        optional: true,
        alts: [
          'The page said the payment failed and asked me to try again, so I entered another code.',
          'It showed a payment error and asked me to try again, so I entered a second code.',
        ],
      },
      {
        alts: [
          'A few minutes later my bank texted me that {amount1} had been taken from my card, followed by more charges.',
          'Shortly after, I got bank alerts that {amount1} had been charged to my card, and then several more.',
        ],
      },
      {
        optional: true,
        alts: [
          'I called back the number that texted me but nobody answered.',
          'I tried calling the number back but it was switched off.',
        ],
      },
      {
        alts: [
          'I lost {amount} in total and called my bank to block the card.',
          'Altogether {amount} was stolen before I could call my bank and block the card.',
        ],
      },
    ],
  },
  {
    id: 'en-malware-app-1',
    category: 'malware_app',
    lang: 'en',
    channels: ['url', 'app', 'transfer'],
    vars: {
      source: ['a link in an expat group', 'a forum post', 'a search result'],
      promise: ['a fast and stable VPN', 'a free VPN for foreigners'],
    },
    lines: [
      {
        alts: [
          'On {date} I found {promise} through {source}, with a download page at {url}.',
          'On {date} {time} I came across {source} promoting {promise} and opened the download page {url}.',
        ],
      },
      {
        alts: [
          'I installed the app, called {appName}, from the website because it said VPN apps were not available in the app store.',
          'The app, {appName}, had to be installed from the website, as it said VPN apps were blocked in the app store.',
        ],
      },
      {
        alts: [
          'During setup it asked for accessibility, screen overlay and SMS permissions, and I allowed all of them.',
          'When I first opened it, it asked for accessibility, screen overlay and SMS access, and I allowed everything.',
        ],
      },
      {
        alts: [
          'It then asked me to link a bank card for a free trial, so I entered my card number {victimCard} and my payment password.',
          'To start the free trial it wanted a bank card, so I entered my card number {victimCard} and my payment password.',
        ],
      },
      {
        optional: true,
        alts: [
          'For a while the VPN even worked, so I did not suspect anything.',
          'The VPN actually connected for a few days, so I thought it was fine.',
        ],
      },
      {
        alts: [
          'One night my phone screen went black with a "system updating" message and I could not use it.',
          'Later my screen suddenly went black showing a "system updating" message and would not respond.',
        ],
      },
      {
        alts: [
          'When it came back, several transfers had been made from my account to {accountName} at {bankName}, account {account}, the first one {amount1}.',
          'Afterwards I saw several transfers out of my account, the first of {amount1}, to {bankName} account {account} in the name of {accountName}.',
        ],
      },
      {
        optional: true,
        alts: [
          'The verification texts from my bank had been hidden, so I never saw them.',
          'The app had intercepted the verification texts from my bank, so I got no warning.',
        ],
      },
      {
        alts: [
          'I lost {amount} in total. The police told me {appName} was remote-control malware.',
          'Altogether {amount} was taken, and the police said the app was malware that controlled my phone remotely.',
        ],
      },
    ],
  },
  {
    id: 'en-sextortion-1',
    category: 'sextortion',
    lang: 'en',
    channels: ['im', 'app', 'transfer'],
    vars: {
      site: ['a dating app', 'Instagram', 'a language exchange app'],
      threat: ['send it to all my contacts', 'post it in my company group', 'send it to my family'],
    },
    lines: [
      {
        alts: [
          'On {date} {time} a woman started chatting with me on {site} and soon asked me to add her on WeChat ({contactIm}).',
          'On {date} I met a woman on {site} who quickly moved the conversation to WeChat, ID {contactIm}.',
        ],
      },
      {
        alts: [
          'The chat got flirty fast, and she suggested a private video call.',
          'She was very flirty, sent photos, and suggested a private video call.',
        ],
      },
      {
        alts: [
          'She said WeChat video was monitored and asked me to install an app called {appName} for the call.',
          'She told me to download {appName} for the call because WeChat video was monitored.',
        ],
      },
      {
        alts: [
          'The app asked for access to my contacts, which I allowed, and during the call she encouraged me to undress.',
          'I gave {appName} access to my contacts, and on the video call she got me to undress.',
        ],
      },
      {
        alts: [
          'Right after the call she sent a recording of me and a list of my contacts, threatening to {threat}.',
          'Soon after the call she sent the recording and screenshots of my contact list and said she would {threat} unless I paid.',
        ],
      },
      {
        alts: [
          'I panicked and transferred {amount1} to {accountName}, account {account} at {bankName}.',
          'I was scared, so I sent {amount1} to {bankName} account {account}, held by {accountName}.',
        ],
      },
      {
        optional: true,
        alts: [
          'After I paid they asked for more money to "delete" the video.',
          'Once the first payment arrived, they demanded another one to delete the recording.',
        ],
      },
      {
        optional: true,
        alts: [
          'They sent a screenshot claiming one of my friends had already received it.',
          'They said they had already sent it to one friend to show they were serious.',
        ],
      },
      {
        alts: [
          'I paid {amount} in total before I stopped and reported it to the police.',
          'Altogether I lost {amount}, and they kept asking for more, so I reported it to the police.',
        ],
      },
    ],
  },
  {
    id: 'en-other-1',
    category: 'other',
    lang: 'en',
    channels: ['im', 'transfer'],
    vars: {
      listing: ['an expat housing group', 'a rental website', 'a WeChat housing group'],
      area: ['Jingan', 'Sanlitun', 'near my university'],
    },
    lines: [
      {
        alts: [
          'On {date} I found a nice apartment in {area} on {listing}, much cheaper than similar places.',
          'On {date} {time} I saw a listing on {listing} for an apartment in {area} at a surprisingly low rent.',
        ],
      },
      {
        alts: [
          'The landlord, {fakeName}, asked me to add him on WeChat ({contactIm}) and said he was working abroad.',
          'The owner, {fakeName}, added me on WeChat as {contactIm} and told me he was working abroad.',
        ],
      },
      {
        alts: [
          'He sent lots of photos and a copy of the property certificate, but said I could only view it after paying a deposit.',
          'He shared many photos and a property certificate, but said viewings were only possible after I paid a deposit.',
        ],
      },
      {
        optional: true,
        alts: [
          'He said many people wanted the apartment, so I had to decide that day.',
          'He told me other tenants were interested and I needed to decide quickly.',
        ],
      },
      {
        alts: [
          'I transferred a deposit of {amount1} to {accountName}, account {account} at {bankName}.',
          'I paid {amount1} as a holding deposit to {bankName} account {account}, name {accountName}.',
        ],
      },
      {
        alts: [
          'He then asked for three months of rent in advance and an agency fee, and I paid that too.',
          'After that he asked for three months of rent in advance plus an agency fee, and I sent it.',
        ],
      },
      {
        optional: true,
        alts: [
          'He promised the keys would be sent to me by courier.',
          'He said a friend of his would hand me the keys the next day.',
        ],
      },
      {
        alts: [
          'When I went to the building, the real owner lived there and knew nothing about it, and {fakeName} had blocked me.',
          'When I arrived, the apartment was occupied and the real owner had never listed it; the "landlord" had blocked me.',
        ],
      },
      {
        alts: [
          'I lost {amount} in total.',
          'Altogether I paid {amount} for an apartment that was never available.',
        ],
      },
    ],
  },
];
