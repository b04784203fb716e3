"""Word lists for synthetic demo participants: names, organisations, countries.

Every person and organisation built from these lists is made up. Organisation names are
generic descriptions ("Ministry of Digital Affairs") or invented brands, never real
named companies.
"""

from __future__ import annotations

# Compact on purpose: these are word lists, one idea per line.
# fmt: off

# Name pools by World Bank region slug (see consult.geo.REGIONS); each pool is one naming
# culture, (given names, family names), so a given name meets a family name of its own kind.
NAME_POOLS: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "east_asia_pacific": (
        (("Wei", "Fang", "Jun", "Mei", "Xiaoling", "Hao"), ("Wang", "Li", "Zhang", "Chen", "Liu")),
        (("Hiroshi", "Yuki", "Haruto", "Aiko"), ("Tanaka", "Sato", "Suzuki", "Watanabe")),
        (("Minjun", "Seo-yeon", "Jisoo", "Hyun-woo"), ("Kim", "Park", "Lee", "Choi")),
        (("Siti", "Budi", "Dewi", "Agus", "Nurul"), ("Santoso", "Wijaya", "Hidayat", "Rahman")),
        (("Anh", "Linh", "Minh", "Thao"), ("Nguyen", "Tran", "Pham", "Le")),
        (("Maria Clara", "Jose", "Andrea", "Paolo"), ("Reyes", "Dela Cruz", "Santos", "Bautista")),
        (("Somchai", "Malee", "Niran", "Dara", "Sokha"), ("Srisuk", "Chaiyaporn", "Sok", "Chan")),
        (("Tama", "Aroha", "Lani", "Sione", "Mere"), ("Ngata", "Tui", "Fifita", "Waqa")),
        (("Bolormaa", "Bat-Erdene", "Oyuna"), ("Batbayar", "Ganbold", "Tserendorj")),
        (("Emma", "Jack", "Charlotte", "Liam"), ("Taylor", "Wilson", "Mitchell", "Walker")),
    ),
    "europe_central_asia": (
        (("Anna", "Lukas", "Lena", "Jonas"), ("Müller", "Schmidt", "Becker", "Wagner")),
        (("Claire", "Julien", "Camille", "Hugo"), ("Dubois", "Moreau", "Laurent", "Bernard")),
        (("Sofia", "Mateo", "Lucía", "Tomás"), ("García", "Fernández", "Ruiz", "Navarro")),
        (("Chiara", "Marco", "Giulia", "Luca"), ("Rossi", "Bianchi", "Romano", "Ferrari")),
        (("Elif", "Mehmet", "Zeynep", "Emre"), ("Yılmaz", "Kaya", "Demir", "Şahin")),
        (("Olena", "Taras", "Iryna", "Dmytro"), ("Kovalenko", "Shevchenko", "Bondarenko")),
        (("Zofia", "Piotr", "Agnieszka", "Jakub"), ("Nowak", "Kowalski", "Wiśniewski")),
        (("Ingrid", "Lars", "Astrid", "Erik"), ("Andersson", "Johansson", "Larsen", "Berg")),
        (("Aigerim", "Timur", "Dilnoza", "Nurlan"), ("Nurlanovna", "Abdullaev", "Seitkali")),
        (("Nino", "Giorgi", "Ani", "Aram"), ("Beridze", "Kapanadze", "Petrosyan", "Hakobyan")),
        (("Oliver", "Amelia", "Siobhan", "Owen"), ("O'Brien", "Jones", "Evans", "Murphy")),
        (("Ivan", "Natalia", "Milica", "Dragan"), ("Ivanova", "Petrov", "Jovanović", "Popescu")),
    ),
    "latin_america_caribbean": (
        (("Camila", "Diego", "Valentina", "Santiago", "Andrés", "Ximena", "Joaquín"),
         ("González", "Rodríguez", "Hernández", "López", "Martínez", "Ramírez", "Rojas")),
        (("João", "Mariana", "Rafael", "Beatriz", "Renata", "Thiago"),
         ("Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira")),
        (("Luz", "Wilmer", "Rosa", "Evo"), ("Quispe", "Mamani", "Condori", "Huanca")),
        (("Jean-Baptiste", "Marie", "Widlyne", "Jacques"), ("Pierre", "Joseph", "Jean-Louis")),
        (("Keisha", "Marlon", "Shanice", "Andre"), ("Campbell", "Brown", "Thompson", "Clarke")),
    ),
    "middle_east_north_africa": (
        (("Omar", "Layla", "Youssef", "Fatima", "Karim", "Nour", "Hassan", "Amira", "Rania"),
         ("Haddad", "El-Sayed", "Mansour", "Khalil", "Abdullah", "Nasser", "Saleh", "Hamdan")),
        (("Samir", "Yasmin", "Idris", "Salma", "Mehdi"), ("Benali", "Bouzid", "Toumi", "Amrani")),
        (("Reza", "Maryam", "Dariush", "Shirin"), ("Hosseini", "Rahimi", "Karimi", "Moradi")),
        (("Noam", "Tamar", "Yael", "Eitan"), ("Levi", "Cohen", "Mizrahi", "Peretz")),
    ),
    "north_america": (
        (("Emily", "James", "Olivia", "Michael", "Grace", "Ethan", "Hannah", "Madison"),
         ("Smith", "Johnson", "Williams", "Brown", "Thompson", "Clark", "Davis")),
        (("Chloé", "Mathieu", "Gabrielle", "Étienne"), ("Tremblay", "Gagnon", "Roy", "Côté")),
        (("Luis", "Sofía", "Marisol", "Carlos"), ("Martinez", "Garcia", "Hernandez", "Lopez")),
        (("Marcus", "Jamal", "Aaliyah", "Imani"), ("Washington", "Jackson", "Robinson")),
        (("Aiyana", "Dakota", "Nizhoni"), ("Begay", "Yazzie", "Redcloud")),
        (("Priya", "Kevin", "Linh", "Daniel"), ("Patel", "Nguyen", "Lee", "Chen")),
    ),
    "south_asia": (
        (("Aarav", "Priya", "Rahul", "Ananya", "Sanjay", "Kavya", "Arjun", "Meera", "Rohan"),
         ("Sharma", "Patel", "Gupta", "Reddy", "Iyer", "Nair", "Das", "Singh")),
        (("Imran", "Ayesha", "Bilal", "Zainab", "Hamid"), ("Khan", "Malik", "Qureshi", "Butt")),
        (("Farhan", "Nusrat", "Tahmina", "Rafiq"), ("Hossain", "Rahman", "Chowdhury", "Ahmed")),
        (("Nimal", "Dilani", "Chamari", "Kasun"), ("Perera", "Fernando", "Silva", "Jayasinghe")),
        (("Sabina", "Bikash", "Anjali", "Sagar"), ("Shrestha", "Thapa", "Gurung", "Rai")),
        (("Tenzin", "Pema", "Karma"), ("Dorji", "Wangchuk", "Lhamo")),
        (("Zahra", "Ahmad", "Mina", "Farid"), ("Ahmadzai", "Noori", "Safi", "Popal")),
    ),
    "sub_saharan_africa": (
        (("Chinedu", "Oluwaseun", "Adaeze", "Ngozi", "Emeka"),
         ("Okafor", "Adeyemi", "Okonkwo", "Eze", "Balogun")),
        (("Wanjiru", "Juma", "Neema", "Achieng", "Baraka"), ("Mwangi", "Otieno", "Mushi", "Kamau")),
        (("Kofi", "Ama", "Kwame", "Akosua"), ("Mensah", "Asante", "Owusu", "Boateng")),
        (("Thabo", "Naledi", "Zodwa", "Sipho"), ("Nkosi", "Dlamini", "Sithole", "Mokoena")),
        (("Abebe", "Tigist", "Dawit", "Hiwot"), ("Bekele", "Tesfaye", "Girma", "Haile")),
        (("Fatou", "Moussa", "Aminata", "Ibrahima", "Aïcha"),
         ("Diallo", "Traoré", "Ndiaye", "Coulibaly", "Diop")),
        (("Tendai", "Chipo", "Mwila", "Tatenda"), ("Moyo", "Banda", "Phiri", "Chikwanha")),
        (("Aline", "Jean-Claude", "Clarisse", "Eric"), ("Uwimana", "Niyonzima", "Mugisha")),
    ),
}

# Countries offered to synthetic participants, per region, with relative weights.
# Large and developing countries weigh more, so the Global South is well represented;
# low-income countries weigh enough that the low-income group has well over the
# analysis's voter floor on every clause.
DEMO_COUNTRIES: dict[str, dict[str, float]] = {
    "east_asia_pacific": {
        "CN": 3.0, "ID": 2.0, "PH": 1.8, "VN": 1.6, "JP": 1.5, "TH": 1.0, "MY": 1.0,
        "KR": 1.0, "AU": 0.8, "SG": 0.6, "KH": 0.7, "LA": 0.4, "MN": 0.5, "FJ": 0.5,
        "PG": 0.4, "MM": 0.5, "NZ": 0.4, "TL": 0.3,
    },
    "europe_central_asia": {
        "DE": 1.5, "FR": 1.4, "GB": 1.4, "IT": 1.0, "ES": 1.0, "PL": 0.9, "NL": 0.7,
        "SE": 0.5, "CH": 0.6, "UA": 0.9, "TR": 1.2, "KZ": 0.8, "UZ": 0.7, "RU": 0.9,
        "RS": 0.5, "GE": 0.5, "KG": 0.5, "TJ": 0.4, "AM": 0.4,
    },
    "latin_america_caribbean": {
        "BR": 3.0, "MX": 2.4, "AR": 1.4, "CO": 1.4, "CL": 0.9, "PE": 1.0, "EC": 0.6,
        "BO": 0.7, "GT": 0.5, "HN": 0.5, "HT": 0.5, "JM": 0.5, "CU": 0.4, "DO": 0.5,
        "UY": 0.4, "CR": 0.5, "NI": 0.3,
    },
    "middle_east_north_africa": {
        "EG": 2.0, "MA": 1.2, "DZ": 1.0, "TN": 0.8, "JO": 0.7, "LB": 0.5, "SA": 0.9,
        "AE": 0.9, "IR": 1.0, "IQ": 0.6, "QA": 0.3, "YE": 0.6, "SY": 0.3, "IL": 0.4,
        "PS": 0.4,
    },
    "north_america": {"US": 4.0, "CA": 1.5},
    "south_asia": {
        "IN": 5.0, "PK": 2.0, "BD": 2.0, "LK": 0.8, "NP": 0.8, "AF": 0.8, "BT": 0.2,
        "MV": 0.2,
    },
    "sub_saharan_africa": {
        "NG": 2.5, "KE": 2.0, "ZA": 2.0, "ET": 2.4, "GH": 1.2, "TZ": 1.0, "UG": 1.6,
        "RW": 1.0, "SN": 0.8, "CM": 0.7, "CI": 0.7, "CD": 1.2, "ZM": 0.5, "ZW": 0.5,
        "MZ": 0.8, "MW": 0.7, "ML": 0.6, "BF": 0.6, "NE": 0.5, "MG": 0.6, "BW": 0.3,
        "NA": 0.3, "MU": 0.3, "SD": 0.5,
    },
}

# Share of participants from each region (sums to 1).
REGION_WEIGHTS: dict[str, float] = {
    "east_asia_pacific": 0.19,
    "europe_central_asia": 0.15,
    "latin_america_caribbean": 0.14,
    "middle_east_north_africa": 0.10,
    "north_america": 0.09,
    "south_asia": 0.15,
    "sub_saharan_africa": 0.18,
}

ORGANISATIONS: dict[str, tuple[str, ...]] = {
    "government": (
        "Ministry of Digital Affairs", "Ministry of Science and Technology",
        "Ministry of Foreign Affairs, Technology Policy Desk", "National AI Office",
        "Data Protection Authority", "Ministry of Communications and ICT",
        "National Standards Bureau", "Office of the Chief Information Officer",
        "Parliamentary Committee on Digital Policy", "Ministry of Justice, Legal Reform Unit",
    ),
    "intergovernmental": (
        "Regional Digital Cooperation Secretariat",
        "Intergovernmental Working Group on AI Ethics",
        "Regional Economic Community, Digital Unit",
        "Multilateral Development Fund, Technology Desk",
        "Interparliamentary Forum on Emerging Technology",
        "South-South Technology Transfer Facility",
    ),
    "industry": (
        "Kestrelwing Analytics", "Baobab Data Systems", "Monsoon Cloud Services",
        "Andesia Machine Learning", "Harbourlight Robotics", "Savannah Fintech Cooperative",
        "Meridian Bay Semiconductors", "Jadeleaf Software Group", "Riverstone AI Labs",
        "Small Business Software Association", "National Chamber of Digital Commerce",
        "Open Source Developers Cooperative",
    ),
    "academia": (
        "National University of Technology, AI Lab",
        "Institute for Digital Society Studies",
        "Centre for Law and Emerging Technology",
        "School of Computing, State University",
        "Centre for Technology and Development Research",
        "Faculty of Philosophy, Ethics of Technology Group",
        "Agricultural University, Data Science Unit",
        "Public Health Informatics Institute",
    ),
    "civil_society": (
        "Digital Rights Collective", "Coalition for Algorithmic Fairness",
        "Rural Connectivity Network", "Youth for Responsible Technology",
        "Privacy Watch Association", "Community Media Foundation",
        "Disability Inclusion in Tech Network", "Women in Data Forum",
        "Consumer Protection Society", "Farmers' Digital Cooperative",
        "Open Knowledge Commons Initiative", "Migrant Workers' Support Centre",
    ),
    "citizen": (
        "Neighbourhood association", "Student union", "Parent-teacher association",
        "Public library volunteers",
    ),
    "other": (
        "Professional Association of Software Engineers",
        "Trade Union of Media and Platform Workers",
        "Interfaith Council on Technology", "Foundation for Digital Inclusion",
        "Standards Development Consortium", "Journalists' Association",
    ),
}
# fmt: on
