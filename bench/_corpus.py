"""A deterministic corpus of Vietnamese Markdown pages for the peer benchmark.

Each page: an introduction, four to six `##` sections of paragraphs with bold and italic
text, a table, a list, an admonition (`!!! note "…"`), a link to a legal document and the
closing "## Tự kiểm tra" quiz antq requires of a lesson — 500 to 900 words in all. The same
body goes to every tool; only the front matter differs.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass

TOPICS = [
    "lua-dao-qua-mang",
    "tin-dung-den",
    "ma-tuy",
    "mua-ban-nguoi",
    "xam-hai-tre-em",
    "an-toan-giao-thong",
    "phong-chay-chua-chay",
    "an-ninh-mang",
    "bao-luc-hoc-duong",
    "phao-den-troi",
    "tai-hoa-nhap",
    "quyen-nghia-vu-cong-dan",
    "hoa-giai",
    "bao-luc-gia-dinh",
]
GRADES = ["tieu_hoc", "thcs", "thpt", "nguoi_lon"]

SUBJECTS = [
    "Lừa đảo qua mạng",
    "Tín dụng đen",
    "Phòng, chống ma túy",
    "Phòng, chống mua bán người",
    "Bảo vệ trẻ em",
    "An toàn giao thông",
    "Phòng cháy, chữa cháy",
    "An ninh mạng",
    "Bạo lực học đường",
    "Pháo và đèn trời",
    "Tái hòa nhập cộng đồng",
    "Quyền và nghĩa vụ công dân",
    "Hòa giải ở cơ sở",
    "Phòng, chống bạo lực gia đình",
]
ANGLES = [
    "những điều cần biết",
    "nhận diện và phòng tránh",
    "kỹ năng tự bảo vệ",
    "vai trò của gia đình và nhà trường",
    "pháp luật quy định thế nào",
    "câu chuyện từ khu dân cư",
    "hỏi đáp cho người dân",
    "hướng dẫn cho tổ tự quản",
]
HEADINGS = [
    "Vì sao cần quan tâm?",
    "Những thủ đoạn thường gặp",
    "Dấu hiệu nhận biết",
    "Cách phòng tránh",
    "Khi gặp sự việc cần làm gì?",
    "Trách nhiệm của gia đình",
    "Vai trò của nhà trường",
    "Tổ tự quản và khu dân cư",
    "Pháp luật quy định gì?",
    "Kinh nghiệm từ các mô hình tự quản",
    "Lời khuyên của Công an xã, phường",
    "Những câu hỏi thường gặp",
]
SENTENCES = [
    "Phong trào toàn dân bảo vệ an ninh Tổ quốc được triển khai rộng khắp ở các xã, phường, thị trấn.",
    "Mỗi người dân là một tai mắt của lực lượng Công an, kịp thời phát hiện và báo tin về các hành vi vi phạm pháp luật.",
    "Tổ an ninh trật tự ở cơ sở phối hợp với Công an xã, phường tuần tra, nắm tình hình và giải quyết vụ việc ngay từ khi mới phát sinh.",
    "Kẻ gian thường lợi dụng lòng tin, sự cả tin và tâm lý muốn kiếm tiền nhanh của người dân.",
    "Nhiều vụ việc cho thấy chỉ một cuộc gọi hoặc một tin nhắn cũng có thể khiến một gia đình mất trắng tiền tiết kiệm.",
    "Cha mẹ nên dành thời gian trò chuyện với con, lắng nghe và hướng dẫn con cách ứng xử an toàn.",
    "Nhà trường tổ chức các buổi ngoại khóa, sân khấu hóa và thi tìm hiểu pháp luật để học sinh dễ nhớ, dễ làm theo.",
    "Khi phát hiện dấu hiệu bất thường, người dân cần bình tĩnh, ghi lại thông tin và báo ngay cho cơ quan Công an gần nhất.",
    "Không cung cấp mật khẩu, mã xác thực hay thông tin tài khoản ngân hàng cho bất kỳ ai qua điện thoại hoặc mạng xã hội.",
    "Các mô hình tự quản như camera an ninh, khu dân cư không có tội phạm hay dòng họ tự quản đã phát huy hiệu quả rõ rệt.",
    "Việc xây dựng xã, phường đạt tiêu chuẩn an toàn về an ninh, trật tự là trách nhiệm chung của cả hệ thống chính trị.",
    "Ban Chỉ đạo phong trào ở địa phương định kỳ sơ kết, tổng kết, biểu dương những tập thể và cá nhân tiêu biểu.",
    "Người lớn tuổi và trẻ em là những đối tượng dễ bị lôi kéo, dụ dỗ nhất, cần được quan tâm nhiều hơn.",
    "Hãy kiểm tra kỹ nguồn gốc thông tin trước khi chia sẻ, tránh vô tình tiếp tay cho tin giả và lừa đảo.",
    "Người vi phạm có thể bị xử phạt hành chính hoặc truy cứu trách nhiệm hình sự tùy theo tính chất, mức độ hành vi.",
    "Hòa giải viên ở cơ sở giúp các bên hiểu nhau, giữ gìn tình làng nghĩa xóm và hạn chế mâu thuẫn kéo dài.",
    "Mỗi gia đình nên có sẵn bình chữa cháy, lối thoát nạn thông thoáng và thường xuyên kiểm tra hệ thống điện.",
    "Khi tham gia giao thông, hãy đội mũ bảo hiểm đúng cách, không sử dụng rượu bia và không dùng điện thoại khi lái xe.",
    "Những lời mời việc nhẹ lương cao ở nước ngoài cần được xác minh qua cơ quan chức năng trước khi nhận lời.",
    "Người đã chấp hành xong án phạt cần được tạo điều kiện học nghề, tìm việc làm và hòa nhập với cộng đồng.",
    "Bạo lực trong gia đình không phải là chuyện riêng: hàng xóm, người thân có thể và nên can thiệp kịp thời.",
    "Trên không gian mạng, thông tin cá nhân là tài sản cần được giữ gìn cẩn thận như tiền bạc.",
    "Tổ chức đoàn thể, hội phụ nữ, đoàn thanh niên cùng tham gia tuyên truyền để thông tin đến được từng hộ gia đình.",
    "Kết quả của phong trào được đánh giá hằng năm theo các tiêu chí cụ thể, công khai và minh bạch.",
    "Những việc làm nhỏ như khóa cửa cẩn thận, gửi xe đúng nơi quy định cũng góp phần giữ bình yên cho khu dân cư.",
    "Học sinh cần biết nói không với những lời rủ rê tiêu cực và tìm đến thầy cô, cha mẹ khi gặp khó khăn.",
    "Chính quyền địa phương hỗ trợ kinh phí, trang thiết bị cho các tổ tự quản hoạt động thường xuyên.",
    "Ngày hội toàn dân bảo vệ an ninh Tổ quốc là dịp để cả cộng đồng nhìn lại kết quả và cùng đặt ra mục tiêu mới.",
]
EMPHASIS = [
    "tuyệt đối không chuyển tiền",
    "báo ngay cho Công an",
    "giữ bình tĩnh",
    "không chia sẻ mã xác thực",
    "xác minh qua người thân",
    "ghi lại thông tin",
    "đến cơ sở y tế gần nhất",
    "lắng nghe con trẻ",
]
LIST_ITEMS = [
    "Không nhấn vào đường liên kết lạ gửi qua tin nhắn hoặc thư điện tử.",
    "Cài đặt xác thực hai lớp cho tài khoản ngân hàng và mạng xã hội.",
    "Thỏa thuận với người thân một câu hỏi bí mật để xác minh khi cần.",
    "Lưu số điện thoại đường dây nóng của Công an xã, phường.",
    "Tham gia sinh hoạt tổ dân phố, thôn, xóm đầy đủ.",
    "Kiểm tra thiết bị điện, bếp gas trước khi ra khỏi nhà.",
    "Đưa đón trẻ nhỏ đúng giờ, dặn trẻ không đi theo người lạ.",
    "Tìm hiểu kỹ hợp đồng trước khi ký, nhất là hợp đồng vay tiền.",
    "Không tàng trữ, sử dụng pháo nổ và đèn trời.",
    "Khuyến khích con kể lại những chuyện xảy ra ở trường mỗi ngày.",
]
TABLE_ROWS = [
    (
        "Cuộc gọi xưng là Công an",
        "Yêu cầu chuyển tiền để “xác minh”",
        "Cúp máy, gọi lại số chính thức",
    ),
    ("Tin nhắn trúng thưởng", "Đòi nộp phí nhận quà", "Không trả lời, xóa tin nhắn"),
    (
        "Cho vay không cần thế chấp",
        "Lãi suất rất cao, đe dọa khi trả chậm",
        "Vay ở tổ chức tín dụng hợp pháp",
    ),
    ("Việc nhẹ lương cao", "Yêu cầu đặt cọc, giữ giấy tờ", "Hỏi ý kiến gia đình, Công an xã"),
    ("Bạn mới quen trên mạng", "Rủ gặp mặt ở nơi vắng", "Báo cha mẹ, không đi một mình"),
    ("Đồ uống lạ được mời", "Không rõ nguồn gốc, không nhãn mác", "Từ chối dứt khoát"),
    ("Người lạ hỏi thông tin", "Hỏi giờ đi làm, nơi để tài sản", "Không trả lời, báo tổ tự quản"),
]
NOTE_TITLES = ["Ghi nhớ", "Lưu ý", "Bạn có biết?", "Điều cần tránh", "Số điện thoại khẩn cấp"]
QUESTIONS = [
    (
        "Khi nhận cuộc gọi yêu cầu chuyển tiền để “xác minh tài khoản”, bạn nên làm gì?",
        ["Chuyển tiền ngay cho nhanh", "Cúp máy và báo cho Công an xã, phường"],
        1,
        "Cơ quan Công an không bao giờ yêu cầu người dân chuyển tiền qua điện thoại.",
    ),
    (
        "Ai có trách nhiệm tham gia bảo vệ an ninh, trật tự ở khu dân cư?",
        ["Chỉ lực lượng Công an", "Mọi người dân cùng chung tay", "Chỉ tổ trưởng tổ dân phố"],
        1,
        "Bảo vệ an ninh Tổ quốc là sự nghiệp của toàn dân.",
    ),
    (
        "Khi thấy bạn học bị bắt nạt, em nên làm gì?",
        ["Đứng xem cho biết", "Báo ngay cho thầy cô hoặc cha mẹ", "Quay video đăng lên mạng"],
        1,
        "Báo cho người lớn tin cậy giúp bạn được bảo vệ kịp thời.",
    ),
]


@dataclass(frozen=True)
class Doc:
    slug: str
    title: str
    summary: str
    topics: list[str]
    grades: list[str]
    legal: list[str]
    reading_time: int
    body: str

    def antq(self) -> str:
        """The lesson file antq reads: front matter that validates against lesson.yaml."""
        meta = [
            f"title: {json.dumps(self.title, ensure_ascii=False)}",
            f"summary: {json.dumps(self.summary, ensure_ascii=False)}",
            f"topics: [{', '.join(self.topics)}]",
            f"grades: [{', '.join(self.grades)}]",
            f"legal_documents: {json.dumps(self.legal, ensure_ascii=False)}",
            "updated: 2025-09-26",
            f"reading_time: {self.reading_time}",
        ]
        return "---\n" + "\n".join(meta) + "\n---\n\n" + self.body

    def plain(self) -> str:
        """The same page for Hugo and MkDocs: front matter with the title only."""
        return f"---\ntitle: {json.dumps(self.title, ensure_ascii=False)}\n---\n\n" + self.body


def _paragraph(rng: random.Random, sentences: int) -> str:
    """Whole sentences, two words in italics and a bold phrase at the end of one of them."""
    chosen = rng.sample(SENTENCES, sentences)
    j = rng.randrange(len(chosen))
    words = chosen[j].split(" ")
    k = rng.randrange(len(words) - 2)
    words[k] = f"*{words[k]}"
    words[k + 1] = f"{words[k + 1]}*"
    chosen[j] = " ".join(words)
    i = rng.randrange(len(chosen))
    chosen[i] = chosen[i].rstrip(".") + f", **{rng.choice(EMPHASIS)}**."
    return " ".join(chosen)


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def make_doc(index: int, rng: random.Random, legal_ids: list[str]) -> Doc:
    subject = rng.randrange(len(SUBJECTS))
    target = rng.randint(500, 900)
    legal = rng.sample(legal_ids, min(len(legal_ids), rng.randint(1, 2)))
    parts = [_paragraph(rng, 2)]
    headings = rng.sample(HEADINGS, len(HEADINGS))
    quiz = rng.sample(QUESTIONS, 2)
    quiz_text = ["## Tự kiểm tra", ""]
    for number, (question, options, right, why) in enumerate(quiz, start=1):
        quiz_text.append(f"{number}. {question}")
        quiz_text += [f"    - [{'x' if i == right else ' '}] {o}" for i, o in enumerate(options)]
        quiz_text += ["", f"    > Giải thích: {why}", ""]
    # Every page has a table, a list, a note and a legal link, each in its own section.
    extras = ["table", "list", "note", "legal"]
    rng.shuffle(extras)
    for extra in extras:
        parts.append(f"## {headings.pop()}")
        parts.append(_paragraph(rng, 1))
        if extra == "table":
            rows = rng.sample(TABLE_ROWS, rng.randint(3, 5))
            table = ["| Tình huống | Dấu hiệu | Cách xử lý |", "| --- | --- | --- |"]
            table += [f"| {a} | {b} | {c} |" for a, b, c in rows]
            parts.append("\n".join(table))
        elif extra == "list":
            parts.append("\n".join(f"- {item}" for item in rng.sample(LIST_ITEMS, 4)))
        elif extra == "note":
            note = f'!!! note "{rng.choice(NOTE_TITLES)}"\n    {_paragraph(rng, 1)}'
            parts.append(note)
        else:
            links = ", ".join(f"[văn bản {d}](legal:{d})" for d in legal)
            parts.append(f"Nội dung này được quy định tại {links}.")
    # Then plain sections up to the page's word count.
    size = _words("\n\n".join(parts) + "\n".join(quiz_text))
    while headings:
        section = [f"## {headings.pop()}", _paragraph(rng, rng.randint(2, 4))]
        extra_words = _words("\n\n".join(section))
        if size + extra_words > target and size >= 500:
            break
        parts += section
        size += extra_words
    body = "\n\n".join(parts) + "\n\n" + "\n".join(quiz_text)
    words = _words(body)
    return Doc(
        slug=f"bai-{index:05d}",
        title=f"{SUBJECTS[subject]}: {rng.choice(ANGLES)} (bài {index})",
        summary=rng.choice(SENTENCES),
        topics=[TOPICS[subject]],  # one topic, as every lesson in data/lessons/
        grades=sorted(rng.sample(GRADES, rng.randint(1, 3))),
        legal=legal,
        reading_time=max(1, min(60, round(words / 200))),
        body=body,
    )


def corpus(pages: int, seed: int, legal_ids: list[str]) -> list[Doc]:
    rng = random.Random(seed)
    return [make_doc(i, rng, legal_ids) for i in range(1, pages + 1)]
