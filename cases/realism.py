"""Realistic Chinese names, ID numbers, addresses and employers for demo and scale data."""

import random
from datetime import date, timedelta

from cases.identity import check_character

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文施洪辛柯庄"
GIVEN_MALE = [
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "斌",
    "超",
    "明",
    "建国",
    "建华",
    "海涛",
    "志强",
    "国平",
    "永刚",
    "文斌",
    "晓东",
    "俊杰",
    "浩然",
]
GIVEN_FEMALE = [
    "芳",
    "娟",
    "敏",
    "静",
    "丽",
    "艳",
    "霞",
    "燕",
    "玲",
    "红",
    "丽娟",
    "秀英",
    "桂芳",
    "晓红",
    "海燕",
    "雪梅",
    "玉兰",
    "慧敏",
    "佳怡",
    "雨欣",
]
STREETS = [
    "新建路",
    "人民路",
    "阳明西路",
    "南雷南路",
    "城东路",
    "四明西路",
    "谭家岭东路",
    "北滨江路",
    "胜山路",
    "青少年路",
]
COMMUNITIES = ["兰江小区", "梨洲新村", "凤山花苑", "舜江名苑", "阳光家园", "东旱门小区", "胜山新村", "白沙小区"]
EMPLOYERS = ["余姚市阳明光学仪器有限公司", "宁波舜宇车载光学有限公司", "余姚市梨洲塑料制品有限公司", "慈溪市华丰电器厂",
             "浙江某纺织有限公司", "余姚市城市保洁服务中心", "个体经营", "宁波某物流有限公司"]  # fmt: skip
SCHOOLS = {"primary": "余姚市实验小学", "junior": "余姚市梨洲中学", "senior": "余姚中学", "vocational": "余姚市职成教中心",
           "college": "宁波职业技术学院", "undergraduate": "宁波大学", "graduate": "浙江大学"}  # fmt: skip


def person_name(rng: random.Random, male: bool, surname: str | None = None) -> str:
    return (surname or rng.choice(SURNAMES)) + rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)


def id_number(rng: random.Random, region: str, born: date, male: bool) -> str:
    serial = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first_17 = f"{region[:6]}{born:%Y%m%d}{serial:03d}"
    return first_17 + check_character(first_17)


def birth_date(rng: random.Random, age_from: int, age_to: int, today: date) -> date:
    return today - timedelta(days=rng.randrange(age_from * 365, age_to * 365))


def address(rng: random.Random, town: str) -> str:
    return f"{town}{rng.choice(STREETS)}{rng.randrange(1, 300)}号{rng.choice(COMMUNITIES)}{rng.randrange(1, 30)}幢{rng.randrange(101, 1802)}室"


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**8, 10**9)}"
