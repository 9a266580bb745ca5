"""Word lists the checks share: ordinary words that open sentences, organisations and their
usual Chinese and Japanese names, and everyday katakana loanwords of the field."""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def stems(text: str) -> frozenset[str]:
    """The first five letters of its content words: what a clause is about, compared loosely."""
    words = _NOT_LETTERS.sub("", text.casefold()).split()  # "off-the-shelf": one word
    return frozenset(w[:5] for w in words if len(w) >= 4 and w not in _FUNCTION)


_NOT_LETTERS = re.compile(r"[^a-z\s]")


# Capitalised only because they open a sentence (or a headline): never names. Lower case.
ORDINARY = _words(
    """
    a an the this that these those it its we our they their he she his her i you your in on for with
    without and or but so yet as at by from to of into onto over under about after before between
    through during across against among around behind beyond despite per than then there here when where
    while which who whom whose what why how if unless until because although though whether both each
    every all any some most many more much few fewer less least no not none only also even just still
    already now today new old first second third last next other another such same different several
    various own one two three four five six seven eight nine ten can could may might must should would
    will shall do does did done is are was were be been being has have had having make makes made get
    gets got use uses used using show shows showed shown find finds found propose proposes proposed
    present presents presented introduce introduces introduced build builds built train trains trained
    learn learns learned learning deep neural large small big high low better best good great simple
    strong weak fast faster slow instead however moreover furthermore additionally overall finally
    together given unlike compared like based via toward towards within whereas thus hence therefore
    meanwhile rather indeed researchers authors scientists team teams experiments results result methods
    method approach approaches model models paper papers work works study studies data dataset datasets
    benchmark benchmarks code training inference tests test evaluation evaluations performance accuracy
    images image video videos text language languages speech audio robots robot agents agent users user
    people humans human systems system tasks task networks network features feature tools tool framework
    frameworks key main early recent existing current modern prior previous standard typical common
    popular state art open real world scale tiny huge little large-scale end full general yes never
    always often sometimes usually can't don't doesn't isn't aren't won't it's that's there's here's
    let's according along alongside beside besides up down out off near far above below code-named named
    called known see read try meet say says said take takes took give gives gave source sources note
    notes takeaway takeaways headline summary post thread issue week january february march april june
    july august september october november december monday tuesday wednesday thursday friday saturday
    sunday
    """
)

# Organisations, labs and universities a model names without reason, in lower case, with
# their usual names in Chinese and Japanese: a text naming one the source does not is flagged.
_ORGANISATIONS: dict[str, tuple[str, ...]] = {
    "google": ("谷歌", "グーグル", "谷歌大脑", "グーグル・ブレイン"),
    "deepmind": ("深度思维", "ディープマインド"),
    "microsoft": ("微软", "微軟", "マイクロソフト"),
    "meta": (),  # メタ is "meta-" in メタ学習, メタデータ
    "facebook": ("脸书", "臉書", "フェイスブック"),
    "openai": ("オープンAI", "オープンエーアイ"),
    "nvidia": ("英伟达", "輝達", "エヌビディア"),
    "apple": ("苹果公司", "アップル"),
    "amazon": ("亚马逊", "アマゾン"),
    "ibm": ("国际商业机器", "アイビーエム"),
    "intel": ("英特尔", "インテル"),
    "baidu": ("百度", "バイドゥ"),
    "alibaba": ("阿里巴巴", "阿里", "アリババ"),
    "tencent": ("腾讯", "テンセント"),
    "huawei": ("华为", "ファーウェイ"),
    "bytedance": ("字节跳动", "バイトダンス"),
    "samsung": ("三星", "サムスン"),
    "sony": ("索尼", "ソニー"),
    "anthropic": ("アンソロピック",),
    "twitter": ("推特", "ツイッター"),
    "tesla": ("特斯拉", "テスラ"),
    "uber": ("优步", "ウーバー"),
    "adobe": ("奥多比", "アドビ"),
    "qualcomm": ("高通", "クアルコム"),
    "salesforce": ("セールスフォース",),
    "stanford": ("斯坦福", "史丹佛", "スタンフォード"),
    "mit": ("麻省理工", "マサチューセッツ工科大学"),
    "berkeley": ("伯克利", "バークレー"),
    "carnegie": ("卡内基梅隆", "カーネギーメロン"),
    "cmu": ("卡内基梅隆", "カーネギーメロン"),
    "harvard": ("哈佛", "ハーバード"),
    "oxford": ("牛津", "オックスフォード"),
    "cambridge": ("剑桥", "ケンブリッジ"),
    "princeton": ("普林斯顿", "プリンストン"),
    "toronto": ("多伦多", "トロント"),
    "montreal": ("蒙特利尔", "モントリオール"),
    "mila": ("ミラ",),
    "tsinghua": ("清华", "清華"),
    "peking": ("北京大学", "北大"),
    "tokyo": ("东京大学", "東京大学", "東大"),
    "kyoto": ("京都大学", "京大"),
    "riken": ("理化学研究所", "理研"),
    "eth": ("苏黎世联邦理工", "チューリッヒ工科大学"),
    "zhejiang": ("浙江大学", "浙大"),
    "fudan": ("复旦",),
    "sjtu": ("上海交通大学", "上海交大"),
    "cas": ("中科院", "中国科学院"),
    "ustc": ("中国科学技术大学", "中科大"),
    "taiwan": ("台湾大学", "臺灣大學", "台灣大學"),
    "hong": ("香港大学", "香港大學", "香港中文大学", "香港科技大学"),
    "nanjing": ("南京大学",),
    "wuhan": ("武汉大学",),
    "singapore": ("新加坡国立大学", "シンガポール国立大学"),
    "nanyang": ("南洋理工",),
    "kaist": ("韩国科学技术院",),
    "heidelberg": ("海德堡", "ハイデルベルク"),
    "edinburgh": ("爱丁堡", "エディンバラ"),
    "munich": ("慕尼黑", "ミュンヘン"),
    "planck": ("马普所", "普朗克", "プランク"),
    "allen": ("艾伦人工智能研究所", "アレン人工知能研究所"),
    "sensetime": ("商汤", "センスタイム"),
    "megvii": ("旷视", "メグビー"),
    "xiaomi": ("小米", "シャオミ"),
    "kuaishou": ("快手",),
    "meituan": ("美团",),
    "iflytek": ("科大讯飞",),
    "deepseek": ("深度求索",),
    "moonshot": ("月之暗面",),
    "kimi": ("月之暗面",),
    "zhipu": ("智谱", "智譜"),
    "stepfun": ("阶跃星辰",),
    "baichuan": ("百川智能",),
    "kunlun": ("昆仑万维", "崑崙万維"),
    "skywork": ("昆仑万维", "崑崙万維"),
    "shanghai": ("上海人工智能实验室", "上海AI实验室"),
    "mistral": ("ミストラル",),
    "hinton": ("辛顿", "ヒントン"),
    "lecun": ("杨立昆", "ルカン"),
    "bengio": ("本吉奥", "ベンジオ"),
    "huggingface": ("抱抱脸", "ハギングフェイス"),
    "windows": ("ウィンドウズ",),
    "youtube": ("油管", "ユーチューブ"),
    "unreal": ("虚幻引擎", "アンリアルエンジン"),
}
ORGANISATIONS = frozenset(_ORGANISATIONS)
# Each Chinese or Japanese name, with the Latin names it renders.
CJK_NAMES: dict[str, tuple[str, ...]] = {}
for _latin, _renderings in _ORGANISATIONS.items():
    for _rendering in _renderings:
        CJK_NAMES.setdefault(_rendering, ())
        CJK_NAMES[_rendering] += (_latin,)

# Katakana words of everyday ML prose: a katakana word among these is no name.
LOANWORDS = _words(
    """
    モデル データ データセット ネットワーク ニューラル タスク パラメータ パラメーター
    アルゴリズム アーキテクチャ アーキテクチャー ベンチマーク トレーニング テキスト ビデオ
    トークン レイヤー レイヤ エンコーダ エンコーダー デコーダ デコーダー ロボット
    シミュレーション システム フレームワーク アプローチ ベース ベースライン パフォーマンス
    スコア スケール サイズ メモリ メモリー コスト エネルギー スピード レイテンシ
    レイテンシー スループット バンド バンド幅 ユーザー ユーザ ツール コード ソース オープン
    ソフトウェア ハードウェア プログラム プログラミング コンピュータ コンピューター
    コンピューティング グラフ ノード エッジ クラス カテゴリ カテゴリー ラベル サンプル
    サンプリング ノイズ ドメイン ターゲット タイプ ポリシー エージェント ゲーム プレイ
    プレイヤー シーン オブジェクト ピクセル イメージ フレーム カメラ センサー センサ
    ビジョン スピーチ オーディオ サウンド ボイス ワード センテンス ドキュメント ページ
    リンク ウェブ インターネット オンライン オフライン ライブラリ ライブラリー パイプライン
    プロセス ステップ エポック バッチ ロス アテンション トランスフォーマー トランスフォーマ
    メカニズム ヘッド ブロック モジュール コンポーネント ユニット ファイン チューニング
    ファインチューニング プリトレーニング プレトレーニング ゼロショット ショット プロンプト
    クエリ キー バリュー ベクトル テンソル マトリックス マトリクス ライン スペース
    フィールド ポイント ポイントクラウド クラウド サーバー サーバ クライアント デバイス
    モバイル チップ プロセッサ プロセッサー メトリック メトリクス エラー テスト
    バリデーション トレードオフ ギャップ レベル ランク ランキング リスト セット ケース
    シナリオ パターン ルール ロジック フロー ツリー マップ ゴール リスク バイアス フェア
    プライバシー セキュリティ アタック ディフェンス ロバスト ロバスト性 ジェネレーティブ
    ディフュージョン ネット アダプター アダプタ エキスパート ミックス ハイブリッド マルチ
    マルチモーダル モーダル クロス リアル リアルタイム タイム ハイ ロー ベスト トップ
    オーダー コンテキスト コンテンツ コミュニティ プラットフォーム サービス ビジネス
    プロジェクト チーム メンバー リーダー リサーチ レビュー サーベイ コンペ コンペティション
    インターフェース インタフェース アプリ アプリケーション ソリューション テクニック
    テクノロジー メソッド パラダイム フォーマット バージョン アップデート リリース
    ストリーミング ストリーム キャプション アノテーション セグメンテーション クラスタ
    クラスタリング マッチング トラッキング ナビゲーション ビュー ショートカット コンピュート
    スパース スパース性 デンス ゲート ゲーティング フィードバック リワード アクション
    ステート エピソード ローカル グローバル ランダム ダイナミクス シーケンス ウィンドウ
    チャネル チャンネル ゼロ ワン ツー スリー キロ メガ ギガ テラ パーセント ビット
    バイト ハイパーパラメータ ハイパーパラメーター アンサンブル トレーニングデータ テストセット
    ヒューマン マシン ラーニング ディープ ディープラーニング タンパク チェック サブ
    サブワード デプロイ ワークフロー ワーク プール テクスチャ チュートリアル トーキング
    コンピュータビジョン ゲノミクス ホールドアウト メタ ソフトマックス バックボーン
    データプール ヒーロー スポーツ プレー オフポリシー セマンティック インスタンス
    ワンショット カリキュラム
    """
)

# The field's acronyms an editor writes for what the source spells out: "RL" is no invented
# name where the source says "reinforcement learning".
ACRONYMS: dict[str, str] = {
    "rl": r"reinforcement learning",
    "nlp": r"natural language|\blanguage processing",
    "nlu": r"language understanding",
    "cv": r"computer vision",
    "asr": r"speech recognition",
    "tts": r"text-to-speech|speech synthesis",
    "mt": r"machine translation",
    "nmt": r"neural machine translation",
    "qa": r"question answering",
    "vqa": r"visual question answering",
    "gnn": r"graph neural network",
    "cnn": r"convolutional",
    "rnn": r"recurrent neural",
    "lstm": r"long short-term memory",
    "lm": r"language model",
    "llm": r"language model",
    "gan": r"generative adversarial",
    "vae": r"variational auto-?encoder",
    "mlp": r"multi-?layer perceptron",
    "sgd": r"stochastic gradient descent",
    "kg": r"knowledge graph",
    "nas": r"architecture search",
    "ood": r"out-of-distribution",
    "ssl": r"self-supervised|semi-supervised",
    "ner": r"named entity",
    "mos": r"mean opinion score",
    "dl": r"deep learning",
    "marl": r"multi-agent reinforcement learning",
    "sota": r"state[- ]of[- ]the[- ]art",
}

# Words too common to say what a clause is about.
_FUNCTION = _words(
    """
    with that this these those from into over than then they their there which while where when what
    also only both each more most much such very have been being were will would could should about
    after before under using used based show shows shown propose proposed present presents achieve
    achieves achieving compared results result method methods model models approach paper work
    """
)


# Words of ML prose in Chinese and Japanese, with the English word a source uses: what a
# number in a translated text is said of ("解码器吞吐提升 3.0 倍": the decoder's).
TERMS: dict[str, str] = {
    term: english
    for english, terms in {
        "encoder": "编码器 エンコーダ",
        "decoder": "解码器 デコーダ",
        "test": "测试 テスト",
        "validation": "验证 検証",
        "training": "训练 学習",
        "inference": "推理 推論",
        "throughput": "吞吐 スループット",
        "latency": "延迟 レイテンシ",
        "memory": "内存 显存 メモリ",
        "accuracy": "准确率 正解率 正答率",
        "precision": "精确率 適合率",
        "recall": "召回率 再現率",
        "human": "人类 人工 人手 人間",
        "random": "随机 ランダム",
        "attack": "攻击 攻撃",
        "quantum": "量子",
        "classical": "经典 古典",
        "real": "真实 実世界",
        "synthetic": "合成",
        "natural": "自然",
        "simulation": "模拟 仿真 シミュレーション",
        "tracker": "跟踪器 トラッカー",
        "interpolation": "插值 補間",
        "zero-shot": "零样本 ゼロショット",
        "few-shot": "少样本 フューショット",
        "baseline": "基线 ベースライン",
        "teacher": "教师 教師",
        "student": "学生 生徒",
        "image": "图像 画像",
        "video": "视频 動画",
        "text": "文本 テキスト",
        "speech": "语音 音声",
        "hallucination": "幻觉 ハルシネーション",
        "omission": "遗漏 省略",
        "energy": "能耗 エネルギー",
        "cost": "成本 コスト",
        "search": "搜索 探索",
        "ensemble": "集成 アンサンブル",
        "single": "单一 単一",
    }.items()
    for term in terms.split()
}

# Terms that tell two results of one abstract apart ("the tracker", "the decoder"); "training"
# or "accuracy" stand beside every number
TELLING = _words(
    """encoder decoder tracker interpolation quantum classical synthetic natural simulation teacher
    student zero-shot few-shot ensemble single hallucination omission attack random"""
)
