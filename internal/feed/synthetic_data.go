package feed

// Invented artists, in the mix of scripts and styles the real feed shows:
// plain Latin, diacritics, Japanese, Cyrillic, Korean, Chinese, Greek, Arabic,
// emoji, mathematical alphanumerics, and names with ':' (which naive
// "key:value" parsing gets wrong). sub is the ASCII subdomain Bandcamp gives.
type artistSeed struct {
	name     string
	sub      string
	currency string
	albums   []string
	tracks   []string
	merch    []string
}

var artistSeeds = []artistSeed{
	{"The Velvet Static", "velvetstatic", "USD", []string{"Signal Loss", "Basement Tapes Vol. 2"}, []string{"Ghost Frequency", "Low Battery"}, []string{"T-Shirt", "Tote Bag"}},
	{"Marsh Harrier", "marshharrier", "GBP", []string{"Fen Songs", "Peat"}, []string{"Reedbed", "Wash"}, []string{"Enamel Pin"}},
	{"Sigrún Ósk", "sigrunosk", "EUR", []string{"Hafið Hljóðar", "Jökull"}, []string{"Norðurljós", "Vetrarbraut"}, nil},
	{"Zoë & the Crêpes", "zoeandthecrepes", "EUR", []string{"Café Noir", "Déjà Vu à Deux"}, []string{"Crème Brûlée", "Ça Va"}, []string{"Hoodie"}},
	{"Mötley Hëart", "motleyheart", "USD", []string{"Üntamed", "Wild Ödyssey"}, []string{"Rëd Light", "Nö Sleep"}, []string{"Tour T-Shirt", "Patch"}},
	{"Ñandú Eléctrico", "nanduelectrico", "USD", []string{"Pampa Psicodélica"}, []string{"Cumbia del Sur", "Río Lento"}, nil},
	{"Łukasz Wróbel Trio", "lukaszwrobeltrio", "EUR", []string{"Zima w Łodzi", "Późne Światło"}, []string{"Dźwięk", "Ślad"}, nil},
	{"追憶回路", "tsuiokukairo", "JPY", []string{"夜明けの信号", "東京ノイズ"}, []string{"青い部屋", "さよならメトロ"}, []string{"Tシャツ"}},
	{"ネオン海岸", "neonkaigan", "JPY", []string{"シティ・ポップ再生", "夏の終わりに"}, []string{"真夜中のドライブ", "プラスチック・ラブ"}, nil},
	{"Пламя Севера", "plamyaseveravs", "EUR", []string{"Северный Ветер", "Тишина"}, []string{"Лёд", "Дорога Домой"}, []string{"Футболка"}},
	{"Молчание", "molchanie", "USD", []string{"Пустые Комнаты"}, []string{"Холод", "Серый Город"}, nil},
	{"새벽의 파도", "saebyeokwave", "USD", []string{"푸른 밤", "서울 소나타"}, []string{"바다", "첫눈"}, nil},
	{"山水乐队", "shanshuiband", "USD", []string{"云中城", "长江之夜"}, []string{"月光", "山歌"}, nil},
	{"Ωκεανός", "okeanosband", "EUR", []string{"Θάλασσα Σκοτεινή", "Αιγαίο"}, []string{"Νύχτα", "Κύμα"}, nil},
	{"ريح الصحراء", "desertwindtrio", "USD", []string{"رمال متحركة"}, []string{"ليل", "قمر"}, nil},
	{"🌙 moonbeam 🌙", "moonbeamlofi", "USD", []string{"lofi beats to study to ☕", "rainy window 🌧️"}, []string{"sleepy cat 🐈", "3am"}, []string{"Cassette Keychain"}},
	{"✿ flower cult ✿", "flowercult", "GBP", []string{"✿ bloom ✿"}, []string{"petals", "ＶＡＰＯＲ ＧＡＲＤＥＮ"}, nil},
	{"𝐺𝑂𝑅𝐸", "celadonplaza", "USD", []string{"肉と血を超えて", "𝐸𝑁𝐷𝐿𝐸𝑆𝑆"}, []string{"𝐶𝑂𝐿𝐷", "𝑅𝐼𝑇𝑈𝐴𝐿"}, []string{"Longsleeve"}},
	{"𝔇𝔞𝔯𝔨 𝔉𝔬𝔯𝔢𝔰𝔱", "darkforestbm", "EUR", []string{"𝔗𝔥𝔢 𝔈𝔱𝔢𝔯𝔫𝔞𝔩 𝔚𝔦𝔫𝔱𝔢𝔯"}, []string{"𝔉𝔯𝔬𝔰𝔱", "𝔄𝔰𝔥𝔢𝔰"}, []string{"Back Patch"}},
	{"𝕍𝕆𝕀𝔻 𝕊𝕋𝔸𝕋𝕀𝕆ℕ", "voidstation", "USD", []string{"𝕆𝕣𝕓𝕚𝕥"}, []string{"𝔻𝕠𝕔𝕜𝕚𝕟𝕘", "𝔼𝕧𝕖𝕟𝕥 ℍ𝕠𝕣𝕚𝕫𝕠𝕟"}, nil},
	{"Data:Lore", "datalore", "USD", []string{"Protocol: Dawn", "Checksum"}, []string{"Handshake", "404: Heart Not Found"}, []string{"Sticker Pack"}},
	{"Dream Sequence: 夜行", "dreamsequenceyako", "JPY", []string{"Night Train: 終電"}, []string{"Platform 9", "Last Stop: Shibuya"}, nil},
	{"Mx. Parallax: Live", "mxparallax", "CAD", []string{"Refraction", "Live at the Rivoli: 2019"}, []string{"Prism", "Afterimage"}, nil},
	{"Kōhaku Sound System", "kohakusound", "NZD", []string{"Tāmaki Dub"}, []string{"Moana", "Rākau Riddim"}, nil},
	{"Saltwater Choir", "saltwaterchoir", "AUD", []string{"Tidal Hymns", "Brine"}, []string{"Undertow", "Gulls"}, []string{"Beanie"}},
	{"Fjällräv", "fjallrav", "SEK", []string{"Skogens Sång", "Midsommar"}, []string{"Älgen", "Vinterljus"}, nil},
	{"Nordlys Kollektiv", "nordlyskollektiv", "NOK", []string{"Fjord", "Mørketid"}, []string{"Isbre", "Havgap"}, nil},
	{"Hygge Drone Unit", "hyggedrone", "DKK", []string{"Lys i Mørket"}, []string{"Stille", "Regn"}, nil},
	{"Lo-Fi Cat Collective", "lofficatcollective", "USD", []string{"Nap Time", "Whisker Beats"}, []string{"Purr Loop", "Catnip Jazz"}, []string{"Cat Ears Hoodie"}},
	{"DJ Brisket", "djbrisket", "USD", []string{"Smoked Breaks", "Low & Slow"}, []string{"Burnt Ends", "Rib Tickler (Edit)"}, nil},
	{"Orbital Decay", "orbitaldecay", "GBP", []string{"Re-Entry", "Kessler Syndrome"}, []string{"Perigee", "Apogee"}, []string{"Vinyl Slipmat"}},
	{"Hollow Pines", "hollowpines", "USD", []string{"Cabin Fever", "Woodsmoke"}, []string{"Creek", "Lantern"}, nil},
	{"Neon Tetra", "neontetra", "EUR", []string{"Aquarium Disco"}, []string{"Bubble", "Coral Groove"}, nil},
	{"Grave Moss", "gravemoss", "USD", []string{"Rot Eternal", "Crypt Tapes"}, []string{"Lichen", "Bone Orchard"}, []string{"Logo T-Shirt", "Embroidered Patch"}},
	{"Ana Beatriz Conceição", "anabeatrizconceicao", "USD", []string{"Saudade em São Paulo"}, []string{"Maré", "Coração"}, nil},
	{"Cœur de Pirate Radio", "coeurradio", "EUR", []string{"Ondes Courtes"}, []string{"Fréquence", "Écho"}, nil},
}

// physicalFormats describe a physical copy of a release; the price band is
// in cents of a dollar-like currency.
var physicalFormats = []struct {
	desc   string
	prices []int64
}{
	{"Vinyl LP", []int64{2000, 2200, 2500, 2800, 3000}},
	{"Limited Edition Cassette", []int64{800, 1000, 1200}},
	{"Compact Disc", []int64{1000, 1200, 1500}},
	{"Limited Edition 12\" Vinyl", []int64{2500, 3000, 3500}},
	{"2xLP Gatefold", []int64{3500, 4000, 4500}},
	{"Deluxe CD Digipak", []int64{1200, 1500}},
}

var (
	trackPrices = []int64{100, 100, 100, 129, 150, 200}
	albumPrices = []int64{500, 700, 799, 800, 999, 1000, 1200}
	merchPrices = []int64{1500, 2000, 2500, 3000, 3500}
	pwywPaid    = []int64{100, 300, 500, 700, 1000, 1500, 2000}
	tips        = []int64{100, 200, 300, 500, 1000}
)

// countries are buyers' countries as the feed names them, weighted roughly
// like the real feed (the US first, then the UK, Germany, Japan...).
var countries = []struct {
	code, name string
	weight     float64
}{
	{"us", "United States", 30}, {"gb", "United Kingdom", 12}, {"de", "Germany", 9},
	{"jp", "Japan", 5}, {"fr", "France", 5}, {"ca", "Canada", 5}, {"au", "Australia", 4},
	{"nl", "Netherlands", 3}, {"it", "Italy", 3}, {"es", "Spain", 2}, {"se", "Sweden", 2},
	{"ch", "Switzerland", 1.5}, {"be", "Belgium", 1.5}, {"br", "Brazil", 1.5}, {"pl", "Poland", 1},
	{"at", "Austria", 1}, {"no", "Norway", 1}, {"dk", "Denmark", 1}, {"fi", "Finland", 1},
	{"ie", "Ireland", 1}, {"nz", "New Zealand", 1}, {"mx", "Mexico", 1}, {"kr", "Korea, Republic of", 0.8},
	{"gr", "Greece", 0.5}, {"cl", "Chile", 0.5}, {"ar", "Argentina", 0.5}, {"pt", "Portugal", 0.5},
	{"cz", "Czech Republic", 0.5}, {"ru", "Russian Federation", 0.5}, {"ua", "Ukraine", 0.4},
	{"ge", "Georgia", 0.2}, {"il", "Israel", 0.3}, {"sg", "Singapore", 0.3}, {"za", "South Africa", 0.3},
	{"hk", "Hong Kong", 0.3}, {"co", "Colombia", 0.3}, {"id", "Indonesia", 0.2}, {"is", "Iceland", 0.2},
}
