package synth

// Gender of a German noun.
type Gender int

const (
	Masc Gender = iota
	Fem
	Neut
)

// Class is what a noun denotes; verbs choose objects by class.
type Class uint8

const (
	Human Class = 1 << iota
	Animal
	Thing
	Readable
	Food
	Place
	Room // places that can be tidied
)

// Noun is a German noun with its English translation.
type Noun struct {
	De, DePl string
	G        Gender
	Weak     string // n-declension form (den Jungen), or ""
	En, EnPl string
	Class    Class
}

var nouns = []Noun{
	{"Mann", "Männer", Masc, "", "man", "men", Human},
	{"Frau", "Frauen", Fem, "", "woman", "women", Human},
	{"Kind", "Kinder", Neut, "", "child", "children", Human},
	{"Lehrer", "Lehrer", Masc, "", "teacher", "teachers", Human},
	{"Mädchen", "Mädchen", Neut, "", "girl", "girls", Human},
	{"Junge", "Jungen", Masc, "Jungen", "boy", "boys", Human},
	{"Arzt", "Ärzte", Masc, "", "doctor", "doctors", Human},
	{"Freund", "Freunde", Masc, "", "friend", "friends", Human},
	{"Bruder", "Brüder", Masc, "", "brother", "brothers", Human},
	{"Schwester", "Schwestern", Fem, "", "sister", "sisters", Human},
	{"Nachbar", "Nachbarn", Masc, "Nachbarn", "neighbour", "neighbours", Human},
	{"Student", "Studenten", Masc, "Studenten", "student", "students", Human},
	{"Hund", "Hunde", Masc, "", "dog", "dogs", Animal},
	{"Katze", "Katzen", Fem, "", "cat", "cats", Animal},
	{"Pferd", "Pferde", Neut, "", "horse", "horses", Animal},
	{"Vogel", "Vögel", Masc, "", "bird", "birds", Animal},
	{"Maus", "Mäuse", Fem, "", "mouse", "mice", Animal},
	{"Kuh", "Kühe", Fem, "", "cow", "cows", Animal},
	{"Tisch", "Tische", Masc, "", "table", "tables", Thing},
	{"Stuhl", "Stühle", Masc, "", "chair", "chairs", Thing},
	{"Tür", "Türen", Fem, "", "door", "doors", Thing},
	{"Fenster", "Fenster", Neut, "", "window", "windows", Thing},
	{"Tasche", "Taschen", Fem, "", "bag", "bags", Thing},
	{"Auto", "Autos", Neut, "", "car", "cars", Thing},
	{"Schlüssel", "Schlüssel", Masc, "", "key", "keys", Thing},
	{"Lampe", "Lampen", Fem, "", "lamp", "lamps", Thing},
	{"Bild", "Bilder", Neut, "", "picture", "pictures", Thing},
	{"Ball", "Bälle", Masc, "", "ball", "balls", Thing},
	{"Uhr", "Uhren", Fem, "", "watch", "watches", Thing},
	{"Buch", "Bücher", Neut, "", "book", "books", Readable},
	{"Zeitung", "Zeitungen", Fem, "", "newspaper", "newspapers", Readable},
	{"Brief", "Briefe", Masc, "", "letter", "letters", Readable},
	{"Apfel", "Äpfel", Masc, "", "apple", "apples", Food},
	{"Kuchen", "Kuchen", Masc, "", "cake", "cakes", Food},
	{"Ei", "Eier", Neut, "", "egg", "eggs", Food},
	{"Banane", "Bananen", Fem, "", "banana", "bananas", Food},
	{"Garten", "Gärten", Masc, "", "garden", "gardens", Place},
	{"Park", "Parks", Masc, "", "park", "parks", Place},
	{"Stadt", "Städte", Fem, "", "city", "cities", Place},
	{"Schule", "Schulen", Fem, "", "school", "schools", Place},
	{"Küche", "Küchen", Fem, "", "kitchen", "kitchens", Place | Room},
	{"Haus", "Häuser", Neut, "", "house", "houses", Place | Room},
	{"Dorf", "Dörfer", Neut, "", "village", "villages", Place},
	{"Büro", "Büros", Neut, "", "office", "offices", Place | Room},
	{"Zimmer", "Zimmer", Neut, "", "room", "rooms", Place | Room},
}

var names = []string{"Anna", "Paul", "Maria", "Thomas", "Lena", "Max"}

// Adj is an adjective; Of says which nouns it describes.
type Adj struct {
	De, En string
	Of     Class
}

const (
	beings = Human | Animal
	things = Thing | Readable | Food
)

var adjectives = []Adj{
	{"groß", "big", beings | things | Place}, {"klein", "small", beings | things | Place},
	{"alt", "old", beings | things | Place}, {"jung", "young", beings},
	{"neu", "new", things | Place}, {"rot", "red", Thing | Readable},
	{"blau", "blue", Thing | Readable}, {"schön", "beautiful", Human | Thing | Place},
	{"müde", "tired", beings}, {"gut", "good", Human | things},
	{"schnell", "fast", Animal}, {"laut", "loud", beings}, {"klug", "clever", beings},
	{"freundlich", "friendly", Human}, {"frisch", "fresh", Food}, {"leer", "empty", Place},
}

// Frame is the complements a verb takes.
type Frame int

const (
	Intrans Frame = iota // optionally a place or a "mit" phrase
	Acc                  // accusative object
	Dat                  // dative object (helfen)
	DatAcc               // dative and accusative (geben)
	Motion               // direction (in + accusative)
)

// Verb is a German verb with its English translation.
type Verb struct {
	Inf, Stem    string // infinitive, present stem (without separable prefix)
	Du, Er       string // irregular 2nd/3rd singular present, or ""
	Prefix       string // separable prefix
	Part         string // past participle
	Sein         bool   // perfect with sein
	En, En3      string // base, 3rd singular
	EnPast, EnPP string
	EnTail       string // particle after the verb: "for", "up"
	Frame        Frame
	Subj, Obj    Class // allowed subjects and (accusative) objects
	IObj         Class // dative object
}

var verbs = []Verb{
	{"sehen", "seh", "siehst", "sieht", "", "gesehen", false, "see", "sees", "saw", "seen", "", Acc, beings, beings | things | Place, 0},
	{"kaufen", "kauf", "", "", "", "gekauft", false, "buy", "buys", "bought", "bought", "", Acc, Human, Animal | things, 0},
	{"lesen", "les", "liest", "liest", "", "gelesen", false, "read", "reads", "read", "read", "", Acc, Human, Readable, 0},
	{"schreiben", "schreib", "", "", "", "geschrieben", false, "write", "writes", "wrote", "written", "", Acc, Human, Readable, 0},
	{"essen", "ess", "isst", "isst", "", "gegessen", false, "eat", "eats", "ate", "eaten", "", Acc, beings, Food, 0},
	{"tragen", "trag", "trägst", "trägt", "", "getragen", false, "carry", "carries", "carried", "carried", "", Acc, Human, Animal | things, 0},
	{"malen", "mal", "", "", "", "gemalt", false, "paint", "paints", "painted", "painted", "", Acc, Human, beings | Thing | Place, 0},
	{"besuchen", "besuch", "", "", "", "besucht", false, "visit", "visits", "visited", "visited", "", Acc, Human, Human | Place, 0},
	{"brauchen", "brauch", "", "", "", "gebraucht", false, "need", "needs", "needed", "needed", "", Acc, Human, things, 0},
	{"kennen", "kenn", "", "", "", "gekannt", false, "know", "knows", "knew", "known", "", Acc, Human, beings | Place, 0},
	{"lieben", "lieb", "", "", "", "geliebt", false, "love", "loves", "loved", "loved", "", Acc, beings, beings | Food, 0},
	{"suchen", "such", "", "", "", "gesucht", false, "look", "looks", "looked", "looked", "for", Acc, beings, beings | things, 0},
	{"finden", "find", "", "", "", "gefunden", false, "find", "finds", "found", "found", "", Acc, beings, beings | things, 0},
	{"kochen", "koch", "", "", "", "gekocht", false, "cook", "cooks", "cooked", "cooked", "", Acc, Human, Food, 0},
	{"helfen", "helf", "hilfst", "hilft", "", "geholfen", false, "help", "helps", "helped", "helped", "", Dat, Human, 0, beings},
	{"geben", "geb", "gibst", "gibt", "", "gegeben", false, "give", "gives", "gave", "given", "", DatAcc, Human, things, beings},
	{"zeigen", "zeig", "", "", "", "gezeigt", false, "show", "shows", "showed", "shown", "", DatAcc, Human, beings | things | Place, Human},
	{"anrufen", "ruf", "", "", "an", "angerufen", false, "call", "calls", "called", "called", "", Acc, Human, Human, 0},
	{"abholen", "hol", "", "", "ab", "abgeholt", false, "pick", "picks", "picked", "picked", "up", Acc, Human, beings, 0},
	{"aufmachen", "mach", "", "", "auf", "aufgemacht", false, "open", "opens", "opened", "opened", "", Acc, Human, Thing | Readable, 0},
	{"zumachen", "mach", "", "", "zu", "zugemacht", false, "close", "closes", "closed", "closed", "", Acc, Human, Thing | Readable, 0},
	{"mitbringen", "bring", "", "", "mit", "mitgebracht", false, "bring", "brings", "brought", "brought", "", Acc, Human, Animal | things, 0},
	{"aufräumen", "räum", "", "", "auf", "aufgeräumt", false, "tidy", "tidies", "tidied", "tidied", "up", Acc, Human, Room, 0},
	{"schlafen", "schlaf", "schläfst", "schläft", "", "geschlafen", false, "sleep", "sleeps", "slept", "slept", "", Intrans, beings, 0, 0},
	{"lachen", "lach", "", "", "", "gelacht", false, "laugh", "laughs", "laughed", "laughed", "", Intrans, Human, 0, 0},
	{"arbeiten", "arbeit", "", "", "", "gearbeitet", false, "work", "works", "worked", "worked", "", Intrans, Human, 0, 0},
	{"warten", "wart", "", "", "", "gewartet", false, "wait", "waits", "waited", "waited", "", Intrans, beings, 0, 0},
	{"singen", "sing", "", "", "", "gesungen", false, "sing", "sings", "sang", "sung", "", Intrans, Human | Animal, 0, 0},
	{"spielen", "spiel", "", "", "", "gespielt", false, "play", "plays", "played", "played", "", Intrans, beings, 0, 0},
	{"tanzen", "tanz", "", "", "", "getanzt", false, "dance", "dances", "danced", "danced", "", Intrans, Human, 0, 0},
	{"schwimmen", "schwimm", "", "", "", "geschwommen", true, "swim", "swims", "swam", "swum", "", Intrans, beings, 0, 0},
	{"gehen", "geh", "", "", "", "gegangen", true, "go", "goes", "went", "gone", "", Motion, beings, Place, 0},
	{"fahren", "fahr", "fährst", "fährt", "", "gefahren", true, "drive", "drives", "drove", "driven", "", Motion, Human, Place, 0},
	{"laufen", "lauf", "läufst", "läuft", "", "gelaufen", true, "run", "runs", "ran", "run", "", Motion, beings, Place, 0},
}

// Modal verbs: German forms for ich, du, er, wir, ihr, sie; English.
type Modal struct {
	De        [6]string
	Inf       string
	En, EnNeg string // "can", "cannot"; "must", "does not have to" handled in English
}

var modals = []Modal{
	{[6]string{"kann", "kannst", "kann", "können", "könnt", "können"}, "können", "can", "cannot"},
	{[6]string{"will", "willst", "will", "wollen", "wollt", "wollen"}, "wollen", "want to", ""},
	{[6]string{"muss", "musst", "muss", "müssen", "müsst", "müssen"}, "müssen", "must", ""},
}

// Pronouns: German nominative, English, person (0-2) and plural.
type Pronoun struct {
	De, En string
	Slot   int // conjugation slot: ich du er wir ihr sie
}

var pronouns = []Pronoun{
	{"ich", "I", 0}, {"du", "you", 1}, {"er", "he", 2}, {"sie", "she", 2},
	{"wir", "we", 3}, {"ihr", "you", 4}, {"sie", "they", 5},
}

// Possessive determiners (ein-words).
var possessives = []struct{ De, En string }{
	{"mein", "my"}, {"dein", "your"}, {"sein", "his"}, {"ihr", "her"}, {"unser", "our"},
}

var numbers = []struct{ De, En string }{
	{"zwei", "two"}, {"drei", "three"}, {"vier", "four"}, {"fünf", "five"}, {"sechs", "six"},
	{"sieben", "seven"}, {"acht", "eight"}, {"neun", "nine"}, {"zehn", "ten"}, {"elf", "eleven"},
	{"zwölf", "twelve"}, {"zwanzig", "twenty"},
}

// Adverbs: time adverbs go to the end in English, frequency adverbs
// before the main verb.
type Adverb struct {
	De, En string
	Freq   bool
	Past   bool // only with past events (gestern)
}

var adverbs = []Adverb{
	{"heute", "today", false, false}, {"jetzt", "now", false, false},
	{"oft", "often", true, false}, {"immer", "always", true, false}, {"manchmal", "sometimes", true, false},
	{"gestern", "yesterday", false, true},
}

// Matrix verbs of dass-clauses.
var sayVerbs = []struct {
	De      [6]string
	En, En3 string
}{
	{[6]string{"glaube", "glaubst", "glaubt", "glauben", "glaubt", "glauben"}, "think", "thinks"},
	{[6]string{"weiß", "weißt", "weiß", "wissen", "wisst", "wissen"}, "know", "knows"},
	{[6]string{"sage", "sagst", "sagt", "sagen", "sagt", "sagen"}, "say", "says"},
	{[6]string{"hoffe", "hoffst", "hofft", "hoffen", "hofft", "hoffen"}, "hope", "hopes"},
}
