"""The 控制点得分 chart names each bar so a reader can tell 安全区域边界·访问控制 from 安全计算环境·访问控制."""

from courtops.report.model import point_bars
from courtops.report.scoring import ControlPointScore


def test_a_control_point_name_used_in_two_layers_carries_its_layer() -> None:
    points = [
        ControlPointScore("安全区域边界", "访问控制", score=None),
        ControlPointScore("安全计算环境", "身份鉴别", score=6.18),
        ControlPointScore("安全计算环境", "访问控制", score=7.64),
    ]
    assert point_bars(points) == [
        ("安全区域边界·访问控制", None),
        ("身份鉴别", 6.18),
        ("安全计算环境·访问控制", 7.64),
    ]


def test_every_label_is_distinct_for_the_real_catalogue_layers() -> None:
    points = [
        ControlPointScore(layer, point, score=1.0)
        for layer, point in [
            ("安全区域边界", "边界防护"),
            ("安全区域边界", "安全审计"),
            ("安全计算环境", "安全审计"),
            ("安全计算环境", "入侵防范"),
        ]
    ]
    labels = [label for label, _ in point_bars(points)]
    assert len(set(labels)) == len(labels)
    assert labels[0] == "边界防护"
