// The demo company of `npm start`: Orbel Équipements, a French equipment distributor with subsidiaries in Morocco,
// Senegal and Côte d'Ivoire, about 200 customers (key accounts, risky customers, SMEs, export, group companies)
// and about 2,000 invoices spread over the aging buckets of today, with credit notes, payments, disputes, promises,
// holds and the reminders already sent.
//
// generateDemoCompany() is pure and deterministic: the same seed and reference day give the same company.
// loadDemoCompany() writes it through the core (upsertCustomers, storeInvoices, storePayments, the shipped dunning
// policies) and plain parameterised SQL for the rest, once: the reference day is kept in the ledger's settings, and
// a second call finds the company there and adds nothing.

export const DEMO_VERSION = 1;
export const DEMO_SEED = 20260315;
/** settings.key of the demo company: { version, seed, asOf, company, complete, loadedAt, counts }. */
import { readFileSync } from 'node:fs';
export const DEMO_SETTING = 'demo.company';
export const COMPANY = {
	name: 'Orbel Équipements',
	legalName: 'Orbel Équipements SAS',
	city: 'Lyon',
	domain: 'orbel.example',
};

/**
 * The demo company's own identity (settings "company", saved through the core's saveCompany with its logo): the
 * sender of its reminders, the letterhead and footer of its letters, the issuer of its invoice copies.
 */
export const COMPANY_IDENTITY = {
	name: COMPANY.name,
	legalName: 'Orbel Équipements',
	legalForm: 'SAS',
	shareCapital: '1 200 000 €',
	addressLines: ['18 rue de la République', '69002 Lyon'],
	country: 'FR',
	siren: '842138570',
	vatNumber: 'FR88842138570',
	rcs: 'RCS Lyon 842 138 570',
	email: `comptabilite@${COMPANY.domain}`,
	phone: '+33 4 72 10 20 00',
	website: `www.${COMPANY.domain}`,
	senderEmail: `relances@${COMPANY.domain}`,
	senderName: 'Service recouvrement Orbel',
	iban: 'FR29 3000 2005 5000 0015 7845 002',
	bic: 'CRLYFRPP',
	bankName: 'LCL Lyon République',
	legalMentions:
		"Pénalités de retard : trois fois le taux d'intérêt légal (art. L441-10 du Code de commerce). Indemnité forfaitaire pour frais de recouvrement : 40 € (art. D441-5). Pas d'escompte pour paiement anticipé.",
};

/** The demo company's logo (a PNG drawn for the demo). */
export const COMPANY_LOGO = new URL('./demo-logo.png', import.meta.url);

/** The five customer profiles and the codes of the dunning policies the core ships for them. */
export const PROFILES = {
	keyAccount: 'key_account',
	risky: 'risky',
	sme: 'standard',
	export: 'export',
	internal: 'internal',
};
export const BUCKETS = ['not_due', '1-30', '31-60', '61-90', '90+'];
const ZONE = 'Europe/Paris';

/** The aging bucket of an open invoice due on `dueDate`, seen on `asOf` (ISO dates). */
export function agingBucket(core, dueDate, asOf) {
	const late = core.daysBetween(dueDate, asOf);
	if (late <= 0) return 'not_due';
	if (late <= 30) return '1-30';
	if (late <= 60) return '31-60';
	if (late <= 90) return '61-90';
	return '90+';
}

// ------------------------------------------------------------------------------------------------------------------
// Deterministic randomness

function randomSource(seed) {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (min, max) => min + Math.floor(next() * (max - min + 1));
	return {
		next,
		int,
		chance: (p) => next() < p,
		pick: (list) => list[Math.floor(next() * list.length)],
		weighted: (entries) => {
			const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
			let roll = next() * total;
			for (const [value, weight] of entries) {
				roll -= weight;
				if (roll < 0) return value;
			}
			return entries[entries.length - 1][0];
		},
		digits: (n) => Array.from({ length: n }, () => int(0, 9)).join(''),
	};
}

// ------------------------------------------------------------------------------------------------------------------
// The company: staff, countries, names

const STAFF = [
	{ code: 'GH-FR', name: 'Isabelle Laurent', roles: ['group_head'], phone: '+33 4 72 10 20 01' },
	{ code: 'GH-MA', name: 'Karim Benjelloun', roles: ['group_head'], phone: '+212 5 22 48 10 01' },
	{ code: 'GH-WA', name: 'Aminata Diallo', roles: ['group_head'], phone: '+221 33 849 10 01' },
	{
		code: 'VR-FR1',
		name: 'Julien Moreau',
		roles: ['sales_rep'],
		manager: 'GH-FR',
		phone: '+33 6 12 34 56 01',
	},
	{
		code: 'VR-FR2',
		name: 'Claire Dubois',
		roles: ['sales_rep'],
		manager: 'GH-FR',
		phone: '+33 6 12 34 56 02',
	},
	{
		code: 'VR-FR3',
		name: 'Thomas Petit',
		roles: ['sales_rep'],
		manager: 'GH-FR',
		phone: '+33 6 12 34 56 03',
	},
	{
		code: 'VR-EX1',
		name: 'Sophie Martin',
		roles: ['sales_rep'],
		manager: 'GH-FR',
		phone: '+33 6 12 34 56 04',
	},
	{
		code: 'VR-MA1',
		name: 'Youssef El Amrani',
		roles: ['sales_rep'],
		manager: 'GH-MA',
		phone: '+212 6 61 20 30 01',
	},
	{
		code: 'VR-MA2',
		name: 'Salma Bennani',
		roles: ['sales_rep'],
		manager: 'GH-MA',
		phone: '+212 6 61 20 30 02',
	},
	{
		code: 'VR-MA3',
		name: 'Mehdi Alaoui',
		roles: ['sales_rep'],
		manager: 'GH-MA',
		phone: '+212 6 61 20 30 03',
	},
	{
		code: 'VR-SN1',
		name: 'Moussa Ndiaye',
		roles: ['sales_rep'],
		manager: 'GH-WA',
		phone: '+221 77 640 10 01',
	},
	{
		code: 'VR-SN2',
		name: 'Fatou Sow',
		roles: ['sales_rep'],
		manager: 'GH-WA',
		phone: '+221 77 640 10 02',
	},
	{
		code: 'VR-CI1',
		name: 'Koffi Kouassi',
		roles: ['sales_rep'],
		manager: 'GH-WA',
		phone: '+225 07 07 20 10 01',
	},
	{
		code: 'VR-CI2',
		name: 'Awa Traoré',
		roles: ['sales_rep'],
		manager: 'GH-WA',
		phone: '+225 07 07 20 10 02',
	},
	{ code: 'REC-FR', name: 'Nathalie Garnier', roles: ['collector'], phone: '+33 4 72 10 20 10' },
	{ code: 'REC-MA', name: 'Hind Tazi', roles: ['collector'], phone: '+212 5 22 48 10 10' },
	{ code: 'REC-WA', name: 'Ibrahima Fall', roles: ['collector'], phone: '+221 33 849 10 10' },
	{
		code: 'CRS-CASA',
		name: 'Rachid Ouazzani',
		roles: ['courier'],
		phone: '+212 6 70 11 22 01',
		serves: ['MA:Casablanca'],
	},
	{
		code: 'CRS-RABAT',
		name: 'Abdelilah Sbai',
		roles: ['courier'],
		phone: '+212 6 70 11 22 02',
		serves: ['MA:Rabat', 'MA:Tanger', 'MA:Marrakech', 'MA:Fès', 'MA:Agadir'],
	},
	{
		code: 'CRS-DKR',
		name: 'Cheikh Mbaye',
		roles: ['courier'],
		phone: '+221 77 500 22 01',
		serves: ['SN'],
	},
	{
		code: 'CRS-ABJ',
		name: 'Serge Yao',
		roles: ['courier'],
		phone: '+225 05 05 22 01 01',
		serves: ['CI'],
	},
];

function staffEmail(name) {
	const [first, ...rest] = slug(name).split('-');
	return `${first}.${rest.join('-')}@${COMPANY.domain}`;
}

/** Minor units of the currency per euro cent, as a fraction, and the rounding step of a unit price. */
const RATES = {
	EUR: [1n, 1n, 1n],
	MAD: [1085n, 100n, 100n],
	XOF: [655957n, 100000n, 100n],
	USD: [108n, 100n, 10n],
	GBP: [85n, 100n, 10n],
	CHF: [95n, 100n, 10n],
	CAD: [147n, 100n, 10n],
};

const COUNTRIES = {
	FR: {
		currency: 'EUR',
		vatBp: 2000n,
		language: 'fr',
		prefix: 'FA',
		creditPrefix: 'AV',
		billingCycle: 'monthly',
		reps: ['VR-FR1', 'VR-FR2', 'VR-FR3'],
		collector: 'REC-FR',
		cities: [
			['Paris', '75008', 'Île-de-France', '1', 5],
			['Paris', '75011', 'Île-de-France', '1', 3],
			['Lyon', '69003', 'Auvergne-Rhône-Alpes', '4', 4],
			['Marseille', '13002', 'Provence-Alpes-Côte d’Azur', '4', 3],
			['Lille', '59000', 'Hauts-de-France', '3', 2],
			['Bordeaux', '33000', 'Nouvelle-Aquitaine', '5', 2],
			['Nantes', '44000', 'Pays de la Loire', '2', 2],
			['Toulouse', '31000', 'Occitanie', '5', 2],
			['Strasbourg', '67000', 'Grand Est', '3', 1],
			['Rennes', '35000', 'Bretagne', '2', 1],
			['Grenoble', '38000', 'Auvergne-Rhône-Alpes', '4', 1],
		],
		streets: [
			'rue de la République',
			'avenue Jean Jaurès',
			'rue Victor Hugo',
			'boulevard Gambetta',
			'rue Pasteur',
			'avenue de la Gare',
			'rue du Commerce',
			'rue des Entrepreneurs',
			'quai des Chartrons',
			'rue Nationale',
			'avenue Foch',
			'rue de la Liberté',
		],
		extraLines: [
			'Bâtiment B',
			'ZI des Chanoux',
			'Parc d’activités du Moulin',
			'Service comptabilité fournisseurs',
		],
		surnames: [
			'Martin',
			'Bernard',
			'Dubois',
			'Thomas',
			'Robert',
			'Richard',
			'Durand',
			'Leroy',
			'Moreau',
			'Simon',
			'Laurent',
			'Lefebvre',
			'Michel',
			'Garcia',
			'David',
			'Bertrand',
			'Roux',
			'Vincent',
			'Fournier',
			'Morel',
			'Girard',
			'André',
			'Mercier',
			'Dupont',
			'Lambert',
			'Bonnet',
			'François',
			'Martinez',
			'Legrand',
			'Garnier',
			'Faure',
			'Rousseau',
			'Blanc',
			'Guérin',
			'Muller',
			'Henry',
			'Roussel',
			'Nicolas',
			'Perrin',
			'Morin',
			'Mathieu',
			'Clément',
			'Gauthier',
			'Dumont',
			'Lopez',
			'Fontaine',
			'Chevalier',
			'Robin',
			'Masson',
			'Sanchez',
			'Gérard',
			'Nguyen',
			'Boyer',
			'Denis',
			'Lemaire',
			'Duval',
			'Joly',
			'Gautier',
			'Roger',
			'Renard',
		],
		places: [
			'du Centre',
			'de la Gare',
			'des Halles',
			'du Parc',
			'Saint-Michel',
			'du Port',
			'des Lilas',
			'du Marché',
		],
		forms: ['SAS', 'SARL', 'SA', 'EURL', 'SASU'],
		patterns: ['activity surname', 'surname activity', 'activity place', 'surname sons'],
		keyAccounts: [
			'Valmont Distribution',
			'Hexalis Santé',
			'Transalpes Logistique',
			'Nordis Énergie',
			'Groupe Hospitalier Loire-Atlantique',
			'Cofralim Restauration',
			'Aquaterra Services',
			'Mécanique Générale du Rhône',
		],
	},
	MA: {
		currency: 'MAD',
		vatBp: 2000n,
		language: 'fr',
		prefix: 'FM',
		creditPrefix: 'AM',
		billingCycle: 'fortnightly',
		reps: ['VR-MA1', 'VR-MA2', 'VR-MA3'],
		collector: 'REC-MA',
		cities: [
			['Casablanca', '20250', 'Casa-Maârif', '5 22', 4],
			['Casablanca', '20000', 'Casa-Centre', '5 22', 3],
			['Casablanca', '20580', 'Casa-Aïn Sebaâ', '5 22', 3],
			['Casablanca', '20190', 'Casa-Sidi Maârouf', '5 22', 2],
			['Rabat', '10090', 'Rabat-Agdal', '5 37', 3],
			['Rabat', '10000', 'Rabat-Hassan', '5 37', 1],
			['Tanger', '90000', 'Tanger', '5 39', 2],
			['Marrakech', '40000', 'Marrakech-Guéliz', '5 24', 2],
			['Fès', '30000', 'Fès', '5 35', 1],
			['Agadir', '80000', 'Agadir', '5 28', 1],
		],
		streets: [
			'boulevard Zerktouni',
			'boulevard Mohammed V',
			'rue Ibnou Majid El Bahar',
			'avenue Hassan II',
			'boulevard d’Anfa',
			'zone industrielle Sapino',
			'rue Allal Ben Abdellah',
			'avenue des FAR',
			'boulevard Abdelmoumen',
			'rue Moulay Youssef',
		],
		extraLines: [
			'Immeuble Al Yassamine, 3e étage',
			'Résidence Les Palmiers, bureau 12',
			'Lotissement Attawfiq',
		],
		surnames: [
			'Alaoui',
			'Tazi',
			'Berrada',
			'Bennani',
			'El Fassi',
			'Chraibi',
			'Lahlou',
			'Sqalli',
			'Kettani',
			'Benkirane',
			'Idrissi',
			'Ouazzani',
			'Amrani',
			'Filali',
			'Skalli',
			'Cherkaoui',
			'Naciri',
			'Bouzidi',
			'Haddad',
			'Ziani',
			'Benjelloun',
			'El Mansouri',
			'Guessous',
			'Lamrani',
			'Sebti',
			'Benslimane',
			'Rahmouni',
			'Zouhair',
		],
		places: ['Al Amal', 'Anfa', 'Al Massira', 'Ennasr', 'Atlas', 'Al Wifaq', 'Oasis', 'Bouskoura'],
		forms: ['SARL', 'SA', 'SARL AU'],
		patterns: ['ste surname activity', 'activity place', 'ets surname freres', 'activity surname'],
		keyAccounts: [
			'Atlas Agro Industries',
			'Groupe Chaouia Distribution',
			'Souss Primeurs Export',
			'Clinique Internationale d’Anfa',
			'Office Régional des Eaux du Nord',
			'Maghreb Matériaux de Construction',
		],
	},
	SN: {
		currency: 'XOF',
		vatBp: 1800n,
		language: 'fr',
		prefix: 'FS',
		creditPrefix: 'AS',
		billingCycle: 'fortnightly',
		reps: ['VR-SN1', 'VR-SN2'],
		collector: 'REC-WA',
		cities: [
			['Dakar', null, 'Dakar-Plateau', '33 82', 4],
			['Dakar', null, 'Dakar-Almadies', '33 86', 2],
			['Dakar', null, 'Dakar-Hann (zone industrielle)', '33 83', 2],
			['Dakar', null, 'Dakar-Point E', '33 82', 1],
			['Pikine', null, 'Pikine', '33 87', 1],
			['Thiès', null, 'Thiès', '33 95', 1],
			['Saint-Louis', null, 'Saint-Louis', '33 96', 1],
		],
		streets: [
			'avenue Léopold Sédar Senghor',
			'rue Carnot',
			'route de Rufisque',
			'avenue Cheikh Anta Diop',
			'boulevard du Centenaire',
			'rue Jules Ferry',
			'avenue Lamine Guèye',
			'route de l’aéroport',
		],
		extraLines: [
			'Immeuble Fahd, 5e étage',
			'Lot 12, cité Keur Gorgui',
			'Km 4,5 boulevard du Centenaire',
		],
		surnames: [
			'Diop',
			'Ndiaye',
			'Fall',
			'Sow',
			'Ba',
			'Gueye',
			'Diallo',
			'Sy',
			'Mbaye',
			'Faye',
			'Seck',
			'Sarr',
			'Cissé',
			'Niang',
			'Thiam',
			'Kane',
			'Diouf',
			'Mbengue',
			'Sall',
			'Camara',
			'Ndour',
			'Wade',
		],
		places: [
			'Teranga',
			'du Plateau',
			'Mame Diarra',
			'Keur Massar',
			'Baobab',
			'Soumbédioune',
			'Yoff',
			'Ngor',
		],
		forms: ['SARL', 'SA', 'SUARL'],
		patterns: ['ets surname freres', 'activity place', 'surname activity', 'activity surname'],
		keyAccounts: [
			'Sénégalaise de Transformation Agricole',
			'Dakar Terminal Services',
			'Teranga Télécom Services',
		],
	},
	CI: {
		currency: 'XOF',
		vatBp: 1800n,
		language: 'fr',
		prefix: 'FC',
		creditPrefix: 'AC',
		billingCycle: 'fortnightly',
		reps: ['VR-CI1', 'VR-CI2'],
		collector: 'REC-WA',
		cities: [
			['Abidjan', null, 'Abidjan-Plateau', '27 20', 4],
			['Abidjan', null, 'Abidjan-Cocody', '27 22', 3],
			['Abidjan', null, 'Abidjan-Marcory Zone 4', '27 21', 2],
			['Abidjan', null, 'Abidjan-Treichville', '27 21', 1],
			['Abidjan', null, 'Abidjan-Yopougon', '27 23', 1],
			['Bouaké', null, 'Bouaké', '27 31', 1],
			['San-Pédro', null, 'San-Pédro', '27 34', 1],
			['Yamoussoukro', null, 'Yamoussoukro', '27 30', 1],
		],
		streets: [
			'boulevard de la République',
			'rue des Jardins, Deux-Plateaux',
			'boulevard Valéry Giscard d’Estaing',
			'avenue Chardy',
			'rue du Canal, Zone 4',
			'boulevard de Marseille',
			'avenue Noguès',
			'boulevard Latrille',
		],
		extraLines: [
			'Immeuble Alpha 2000, 8e étage',
			'Rue des Jardins, lot 45',
			'Zone industrielle de Vridi',
		],
		surnames: [
			'Kouassi',
			'Koné',
			'Traoré',
			'Yao',
			'Kouamé',
			'Bamba',
			'Ouattara',
			'Coulibaly',
			'Konan',
			'N’Guessan',
			'Kouadio',
			'Touré',
			'Diabaté',
			'Aka',
			'Gnagne',
			'Tanoh',
			'Assi',
			'Brou',
			'Ehui',
			'Zadi',
			'Soro',
			'Fofana',
		],
		places: [
			'des Lagunes',
			'Sainte Famille',
			'du Banco',
			'Ivoire',
			'Éburnie',
			'Akwaba',
			'Riviera',
			'Assinie',
		],
		forms: ['SARL', 'SA', 'SARLU'],
		patterns: ['activity place', 'ets surname sons', 'surname activity', 'activity surname'],
		keyAccounts: [
			'Ivoirienne de Distribution Alimentaire',
			'Cacao Lagune Export',
			'Abidjan Port Logistique',
		],
	},
};

const ACTIVITIES = [
	['Boulangerie', 'Commerce alimentaire'],
	['Pharmacie', 'Santé'],
	['Quincaillerie', 'Commerce'],
	['Transports', 'Transport et logistique'],
	['BTP', 'BTP'],
	['Imprimerie', 'Industrie'],
	['Clinique', 'Santé'],
	['Hôtel', 'Hôtellerie-restauration'],
	['Restaurant', 'Hôtellerie-restauration'],
	['Agroalimentaire', 'Industrie'],
	['Textile', 'Industrie'],
	['Électricité', 'BTP'],
	['Informatique', 'Services'],
	['Distribution', 'Commerce'],
	['Matériaux', 'BTP'],
	['Garage', 'Services'],
	['Froid industriel', 'Industrie'],
	['Papeterie', 'Commerce'],
	['Cabinet comptable', 'Services'],
	['Nettoyage industriel', 'Services'],
	['Sécurité', 'Services'],
	['Climatisation', 'BTP'],
	['Laboratoire', 'Santé'],
	['École privée', 'Éducation'],
];

const EXPORT_CUSTOMERS = [
	[
		'BE',
		'Brabant Matériel',
		'Brabant Matériel SRL',
		'fr',
		'EUR',
		'Bruxelles',
		'1000',
		['Rue de la Loi 42'],
		'+32 2 512 40 10',
	],
	[
		'BE',
		'Liège Techniques',
		'Liège Techniques SA',
		'fr',
		'EUR',
		'Liège',
		'4000',
		['Boulevard d’Avroy 118'],
		'+32 4 221 30 20',
	],
	[
		'CH',
		'Léman Équipements',
		'Léman Équipements Sàrl',
		'fr',
		'CHF',
		'Genève',
		'1201',
		['Rue du Mont-Blanc 9'],
		'+41 22 731 50 60',
	],
	[
		'CH',
		'Helvetic Lab Supplies',
		'Helvetic Lab Supplies AG',
		'en',
		'CHF',
		'Zürich',
		'8005',
		['Hardstrasse 201'],
		'+41 44 271 80 90',
	],
	[
		'GB',
		'Thames Office Supplies',
		'Thames Office Supplies Ltd',
		'en',
		'GBP',
		'London',
		'EC1V 9HX',
		['Unit 4, 112 City Road'],
		'+44 20 7253 1100',
	],
	[
		'GB',
		'Pennine Engineering',
		'Pennine Engineering Ltd',
		'en',
		'GBP',
		'Manchester',
		'M1 2WD',
		['27 Portland Street'],
		'+44 161 236 4400',
	],
	[
		'ES',
		'Suministros Ibéricos',
		'Suministros Ibéricos SL',
		'en',
		'EUR',
		'Barcelona',
		'08013',
		['Carrer de la Marina 190'],
		'+34 93 245 6070',
	],
	[
		'DE',
		'Hansa Technik',
		'Hansa Technik GmbH',
		'en',
		'EUR',
		'Hamburg',
		'20457',
		['Am Sandtorkai 50'],
		'+49 40 3008 1200',
	],
	[
		'IT',
		'Forniture Lombarde',
		'Forniture Lombarde Srl',
		'en',
		'EUR',
		'Milano',
		'20124',
		['Via Vittor Pisani 16'],
		'+39 02 6698 1300',
	],
	[
		'NL',
		'Delta Logistics',
		'Delta Logistics BV',
		'en',
		'EUR',
		'Rotterdam',
		'3011 AD',
		['Blaak 34'],
		'+31 10 414 2200',
	],
	[
		'US',
		'Hudson Valley Equipment',
		'Hudson Valley Equipment Inc.',
		'en',
		'USD',
		'New York',
		'NY 10016',
		['350 Fifth Avenue, Suite 4100'],
		'+1 212 555 0142',
	],
	[
		'CA',
		'Équipements Laurentides',
		'Équipements Laurentides Inc.',
		'fr',
		'CAD',
		'Montréal',
		'H3B 4W8',
		['1250 boulevard René-Lévesque Ouest'],
		'+1 514 555 0188',
	],
	[
		'TN',
		'Carthage Distribution',
		'Carthage Distribution SARL',
		'fr',
		'EUR',
		'Tunis',
		'1002',
		['Avenue Mohamed V, immeuble Les Berges'],
		'+216 71 960 100',
	],
	[
		'MR',
		'Nouakchott Services',
		'Nouakchott Services SARL',
		'fr',
		'EUR',
		'Nouakchott',
		null,
		['Avenue Gamal Abdel Nasser, BP 1456'],
		'+222 45 25 30 40',
	],
	[
		'NG',
		'Lagos Medical Supplies',
		'Lagos Medical Supplies Ltd',
		'en',
		'USD',
		'Lagos',
		null,
		['14 Adeola Odeku Street, Victoria Island'],
		'+234 1 270 4400',
	],
	[
		'GH',
		'Accra Office World',
		'Accra Office World Ltd',
		'en',
		'USD',
		'Accra',
		null,
		['22 Independence Avenue'],
		'+233 30 222 1100',
	],
	[
		'CM',
		'Douala Négoce',
		'Douala Négoce SA',
		'fr',
		'EUR',
		'Douala',
		null,
		['Boulevard de la Liberté, BP 2277'],
		'+237 233 42 10 20',
	],
	[
		'BF',
		'Ouaga Équipements',
		'Ouaga Équipements SARL',
		'fr',
		'XOF',
		'Ouagadougou',
		null,
		['Avenue Kwame Nkrumah, 01 BP 1320'],
		'+226 25 30 66 10',
	],
];

const INTERNAL_CUSTOMERS = [
	[
		'FR',
		'Orbel Services',
		'Orbel Services SAS',
		'Paris',
		'75008',
		'Île-de-France',
		['18 rue de Courcelles'],
	],
	[
		'FR',
		'Orbel Logistique',
		'Orbel Logistique SAS',
		'Lyon',
		'69007',
		'Auvergne-Rhône-Alpes',
		['5 rue de Gerland'],
	],
	[
		'FR',
		'Orbel Formation',
		'Orbel Formation SAS',
		'Nantes',
		'44000',
		'Pays de la Loire',
		['9 quai de la Fosse'],
	],
	[
		'FR',
		'Orbel Digital',
		'Orbel Digital SAS',
		'Lyon',
		'69002',
		'Auvergne-Rhône-Alpes',
		['40 quai Rambaud'],
	],
	[
		'FR',
		'Orbel Immobilier',
		'SCI Orbel Immobilier',
		'Paris',
		'75008',
		'Île-de-France',
		['18 rue de Courcelles'],
	],
	[
		'FR',
		'Fondation Orbel',
		'Fondation d’entreprise Orbel',
		'Paris',
		'75008',
		'Île-de-France',
		['18 rue de Courcelles'],
	],
	[
		'BE',
		'Orbel Belgique',
		'Orbel Belgique SA',
		'Bruxelles',
		'1050',
		'Belgique',
		['Avenue Louise 221'],
	],
	[
		'MA',
		'Orbel Maroc',
		'Orbel Maroc SA',
		'Casablanca',
		'20250',
		'Casa-Maârif',
		['120 boulevard Zerktouni'],
	],
	[
		'MA',
		'Orbel Atelier Tanger',
		'Orbel Atelier Tanger SARL',
		'Tanger',
		'90000',
		'Tanger',
		['Zone franche de Gzenayia, lot 18'],
	],
	[
		'SN',
		'Orbel Sénégal',
		'Orbel Sénégal SA',
		'Dakar',
		null,
		'Dakar-Plateau',
		['45 avenue Léopold Sédar Senghor', 'BP 3312'],
	],
	[
		'SN',
		'Orbel Maintenance Afrique de l’Ouest',
		'Orbel Maintenance Afrique de l’Ouest SA',
		'Dakar',
		null,
		'Dakar-Hann (zone industrielle)',
		['Route de Rufisque, km 4'],
	],
	[
		'CI',
		'Orbel Côte d’Ivoire',
		'Orbel Côte d’Ivoire SA',
		'Abidjan',
		null,
		'Abidjan-Plateau',
		['Avenue Chardy, immeuble Le Général', '01 BP 4410 Abidjan 01'],
	],
];

/** Customers per country and profile (200 in all). */
const MIX = {
	FR: { keyAccount: 8, risky: 10, sme: 56 },
	MA: { keyAccount: 6, risky: 8, sme: 34 },
	SN: { keyAccount: 3, risky: 5, sme: 16 },
	CI: { keyAccount: 3, risky: 5, sme: 16 },
};

const CATALOGUE = [
	{
		code: 'PAP-A4',
		fr: 'Ramettes papier A4 80 g (carton de 5)',
		en: 'A4 paper 80 gsm (box of 5 reams)',
		eur: 2490,
		qty: [2, 40],
		unit: 'CT',
	},
	{
		code: 'TON-NR',
		fr: 'Cartouche toner laser noir',
		en: 'Black laser toner cartridge',
		eur: 8900,
		qty: [1, 12],
		unit: 'C62',
	},
	{
		code: 'MNT-TRI',
		fr: 'Contrat de maintenance trimestriel',
		en: 'Quarterly maintenance contract',
		eur: 45000,
		qty: [1, 1],
		unit: 'C62',
	},
	{
		code: 'SRV-H',
		fr: 'Intervention technique sur site (heure)',
		en: 'On-site technical service (hour)',
		eur: 8500,
		qty: [1, 16],
		unit: 'HUR',
	},
	{
		code: 'CLIM-12',
		fr: 'Climatiseur split 12 000 BTU',
		en: 'Split air conditioner 12,000 BTU',
		eur: 68000,
		qty: [1, 6],
		unit: 'C62',
	},
	{
		code: 'GE-20',
		fr: 'Groupe électrogène 20 kVA',
		en: '20 kVA generator set',
		eur: 1150000,
		qty: [1, 2],
		unit: 'C62',
		large: true,
	},
	{ code: 'OND-3K', fr: 'Onduleur 3 kVA', en: '3 kVA UPS', eur: 129000, qty: [1, 4], unit: 'C62' },
	{
		code: 'PC-POSTE',
		fr: 'Poste de travail informatique',
		en: 'Desktop workstation',
		eur: 89000,
		qty: [1, 10],
		unit: 'C62',
	},
	{
		code: 'CAB-100',
		fr: 'Câble U1000 R2V 3G2,5 (couronne de 100 m)',
		en: 'U1000 R2V 3G2.5 cable (100 m coil)',
		eur: 14500,
		qty: [1, 20],
		unit: 'C62',
	},
	{
		code: 'DISJ-40',
		fr: 'Disjoncteur différentiel 40 A',
		en: '40 A residual-current breaker',
		eur: 6800,
		qty: [2, 30],
		unit: 'C62',
	},
	{
		code: 'FORM-J',
		fr: 'Formation des utilisateurs (journée)',
		en: 'User training (day)',
		eur: 95000,
		qty: [1, 3],
		unit: 'DAY',
	},
	{
		code: 'LOC-CHE',
		fr: 'Location chariot élévateur (mois)',
		en: 'Forklift rental (month)',
		eur: 180000,
		qty: [1, 2],
		unit: 'MON',
		large: true,
	},
	{
		code: 'EPI-10',
		fr: 'Équipements de protection individuelle (lot de 10)',
		en: 'Personal protective equipment (set of 10)',
		eur: 23000,
		qty: [1, 8],
		unit: 'SET',
	},
];
const DELIVERY = { code: 'LIV', fr: 'Frais de livraison', en: 'Delivery', eur: 3500, unit: 'C62' };
const MONTHLY_CONTRACT = {
	code: 'MNT-MENS',
	fr: 'Contrat de maintenance mensuel',
	en: 'Monthly maintenance contract',
	eur: 120000,
	unit: 'MON',
};

/** Per profile: invoices per customer (mean), quantity multiplier, payment behaviour. */
const BEHAVIOUR = {
	keyAccount: { invoices: 26, lines: [2, 5], qty: [1, 4], delay: [-3, 18] },
	sme: { invoices: 7, lines: [1, 3], qty: [1, 1], delay: [-5, 35] },
	risky: { invoices: 10, lines: [1, 3], qty: [1, 2], delay: [10, 80] },
	export: { invoices: 11, lines: [2, 4], qty: [2, 6], delay: [0, 40] },
	internal: { invoices: 11, lines: [1, 3], qty: [1, 3], delay: [5, 55] },
};

/** Probability that an invoice `late` days past due is paid in full by now. */
function paidProbability(profileKey, late) {
	if (late <= -15) return 0.02;
	if (late <= 0) return profileKey === 'keyAccount' ? 0.12 : 0.05;
	switch (profileKey) {
		case 'keyAccount':
			return late > 60 ? 0.93 : late > 30 ? 0.7 : 0.35;
		case 'sme':
			return late > 90 ? 0.88 : late > 60 ? 0.6 : late > 30 ? 0.42 : 0.22;
		case 'risky':
			return late > 90 ? 0.55 : late > 30 ? 0.3 : 0.1;
		case 'export':
			return late > 90 ? 0.85 : late > 30 ? 0.5 : 0.3;
		default:
			return late > 60 ? 0.65 : 0.2;
	}
}

function slug(text) {
	return text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[’']/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '')
		.slice(0, 32)
		.replace(/-$/, '');
}

function luhnValid(digits) {
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let d = Number(digits[digits.length - 1 - i]);
		if (i % 2 === 1) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum % 10 === 0;
}

function siren(r) {
	const base = `${r.int(3, 9)}${r.digits(7)}`;
	for (let check = 0; check < 10; check++) if (luhnValid(base + check)) return base + check;
	return `${base}0`;
}

function frenchVat(sirenNumber) {
	const key = (12 + 3 * (Number(sirenNumber) % 97)) % 97;
	return `FR${String(key).padStart(2, '0')}${sirenNumber}`;
}

function tradeName(r, country, activity, used) {
	const c = COUNTRIES[country];
	for (let attempt = 0; attempt < 50; attempt++) {
		const surname = r.pick(c.surnames);
		const place = r.pick(c.places);
		let name;
		switch (r.pick(c.patterns)) {
			case 'activity surname':
				name = `${activity} ${surname}`;
				break;
			case 'surname activity':
				name = `${surname} ${activity}`;
				break;
			case 'activity place':
				name = `${activity} ${place}`;
				break;
			case 'surname sons':
				name = `${surname} & Fils`;
				break;
			case 'ste surname activity':
				name = `Sté ${surname} ${activity}`;
				break;
			case 'ets surname freres':
				name = `Ets ${surname} et Frères`;
				break;
			default:
				name = `Ets ${surname} & Fils`;
		}
		if (!used.has(name)) {
			used.add(name);
			return name;
		}
	}
	throw new Error(`demo data: no free name left for ${country} ${activity}`);
}

function phoneNumber(r, country, prefix) {
	const pairs = (n) => Array.from({ length: n }, () => r.digits(2)).join(' ');
	switch (country) {
		case 'FR':
			return `+33 ${prefix} ${pairs(4)}`;
		case 'MA':
			return `+212 ${prefix} ${pairs(3)}`;
		case 'SN':
			return `+221 ${prefix}${r.digits(1)} ${pairs(2)}`;
		default:
			return `+225 ${prefix} ${pairs(3)}`;
	}
}

function addressOf(r, country, city) {
	const c = COUNTRIES[country];
	const lines = [];
	if (country === 'FR') lines.push(`${r.int(1, 180)} ${r.pick(c.streets)}`);
	else if (country === 'MA') lines.push(`${r.int(1, 320)}, ${r.pick(c.streets)}`);
	else lines.push(r.pick(c.streets));
	if (r.chance(0.3)) lines.push(r.pick(c.extraLines));
	if (country === 'SN') lines.push(`BP ${r.int(1000, 29999)}`);
	if (country === 'CI')
		lines.push(
			`${String(r.int(1, 28)).padStart(2, '0')} BP ${r.int(100, 9999)} ${city[0]} ${String(r.int(1, 28)).padStart(2, '0')}`,
		);
	return lines;
}

function termsOf(profileKey, country, r) {
	if (profileKey === 'internal') return { days: 30, basis: 'issue' };
	if (profileKey === 'export') return { days: r.pick([45, 60]), basis: 'issue' };
	if (country === 'FR') {
		if (profileKey === 'keyAccount')
			return r.chance(0.5) ? { days: 45, basis: 'end_of_month' } : { days: 60, basis: 'issue' };
		if (profileKey === 'risky') return { days: r.pick([15, 30]), basis: 'issue' };
		return { days: 30, basis: 'issue' };
	}
	// Invoices handed over by courier in Morocco and West Africa: the clock runs from their reception.
	if (profileKey === 'keyAccount') return { days: 60, basis: 'reception' };
	if (profileKey === 'risky') return { days: 30, basis: 'reception' };
	return { days: country === 'MA' ? 60 : 30, basis: 'reception' };
}

function termsText(terms, language) {
	if (terms.basis === 'end_of_month')
		return language === 'fr'
			? `${terms.days} jours fin de mois`
			: `${terms.days} days end of month`;
	if (terms.basis === 'reception')
		return language === 'fr'
			? `${terms.days} jours à réception de facture`
			: `${terms.days} days from receipt of invoice`;
	return language === 'fr'
		? `${terms.days} jours date de facture`
		: `Net ${terms.days} days from invoice date`;
}

function toMinor(eurCents, currency) {
	const [num, den] = RATES[currency];
	return (BigInt(eurCents) * num) / den;
}

function unitPrice(core, eurCents, currency) {
	const [num, den, step] = RATES[currency];
	return core.roundHalfAwayFromZero(BigInt(eurCents) * num, den * step) * step;
}

function makeCustomers(core, r) {
	const customers = [];
	const used = new Set();
	const counters = {};
	const nextId = (country) => {
		counters[country] = (counters[country] ?? 0) + 1;
		return `CLI-${country}-${String(counters[country]).padStart(4, '0')}`;
	};
	const base = (profileKey, country) => ({
		profileKey,
		profile: PROFILES[profileKey],
		country,
		customFields: {},
	});

	for (const [country, mix] of Object.entries(MIX)) {
		const c = COUNTRIES[country];
		const keyNames = [...c.keyAccounts];
		for (const [profileKey, count] of Object.entries(mix)) {
			for (let i = 0; i < count; i++) {
				const customer = base(profileKey, country);
				const [city, postal, zone, phonePrefix] = r.weighted(
					c.cities.map((entry) => [entry, entry[4]]),
				);
				const [activity, family] = r.pick(ACTIVITIES);
				const name =
					profileKey === 'keyAccount' ? keyNames.shift() : tradeName(r, country, activity, used);
				const form = profileKey === 'keyAccount' ? 'SA' : r.pick(c.forms);
				Object.assign(customer, {
					externalId: nextId(country),
					name,
					legalName: `${name} ${form}`,
					language: c.language,
					currency: c.currency,
					city,
					postalCode: postal,
					zone,
					addressLines: addressOf(r, country, city),
					phone: phoneNumber(r, country, phonePrefix),
					salesRepCode: r.pick(c.reps),
					collectorCode: c.collector,
					billingCycle: c.billingCycle,
				});
				customer.customFields.family =
					profileKey === 'keyAccount'
						? r.pick([
								'Industrie',
								'Santé',
								'Transport et logistique',
								'Commerce',
								'Services publics',
							])
						: family;
				if (country === 'FR') {
					customer.siren = siren(r);
					customer.vatNumber = frenchVat(customer.siren);
				} else if (country === 'MA') {
					customer.customFields.ice = `00${r.digits(13)}`;
				} else if (country === 'SN') {
					customer.customFields.ninea = `00${r.digits(7)} ${r.int(1, 2)}G${r.int(1, 3)}`;
				} else {
					customer.customFields.ncc = `${r.digits(7)} ${String.fromCharCode(65 + r.int(0, 25))}`;
				}
				customers.push(customer);
			}
		}
	}
	for (const [
		country,
		name,
		legalName,
		language,
		currency,
		city,
		postal,
		addressLines,
		phone,
	] of EXPORT_CUSTOMERS) {
		const customer = base('export', country);
		Object.assign(customer, {
			externalId: nextId('EX'),
			name,
			legalName,
			language,
			currency,
			city,
			postalCode: postal,
			zone: 'Export',
			addressLines,
			phone,
			salesRepCode: 'VR-EX1',
			collectorCode: 'REC-FR',
			billingCycle: 'monthly',
		});
		customer.customFields.family = 'Export';
		customers.push(customer);
	}
	for (const [country, name, legalName, city, postal, zone, addressLines] of INTERNAL_CUSTOMERS) {
		const customer = base('internal', country);
		Object.assign(customer, {
			externalId: nextId('GRP'),
			name,
			legalName,
			language: 'fr',
			currency: 'EUR',
			city,
			postalCode: postal,
			zone,
			addressLines,
			phone: null,
			salesRepCode: null,
			collectorCode: 'REC-FR',
			billingCycle: 'monthly',
		});
		customer.customFields.family = 'Groupe';
		customer.customFields.entity = name;
		customers.push(customer);
	}

	for (const customer of customers) {
		const profileKey = customer.profileKey;
		const terms = termsOf(profileKey, customer.country, r);
		customer.terms = terms;
		customer.paymentTermsDays = terms.days;
		const domain = `${slug(customer.name)}.example`;
		const local =
			customer.language === 'en'
				? r.pick(['accounts.payable', 'ap', 'invoices'])
				: r.pick(['comptabilite', 'compta', 'factures', 'fournisseurs']);
		customer.emails = [`${local}@${domain}`];
		customer.ccEmails =
			profileKey === 'keyAccount' || r.chance(0.15)
				? [`${customer.language === 'en' ? 'finance' : 'tresorerie'}@${domain}`]
				: [];
		customer.emailStatus = 'ok';
		if (profileKey === 'internal') {
			customer.emails = [
				`comptabilite.${slug(customer.name).replace(/^orbel-|-orbel$/g, '')}@${COMPANY.domain}`,
			];
			customer.ccEmails = [];
		}
		const courierCountry =
			['MA', 'SN', 'CI'].includes(customer.country) && profileKey !== 'internal';
		// Some customers of the courier countries have no e-mail at all: they get letters and visits.
		if (courierCountry && profileKey !== 'keyAccount' && r.chance(0.12)) {
			customer.emails = [];
			customer.ccEmails = [];
			customer.emailStatus = 'none';
		}
		const limitEur = {
			keyAccount: [30000000, 80000000],
			sme: [1000000, 5000000],
			risky: [300000, 1500000],
			export: [5000000, 20000000],
			internal: null,
		}[profileKey];
		customer.creditLimitMinor = limitEur
			? core.roundHalfAwayFromZero(
					toMinor(r.int(limitEur[0] / 100000, limitEur[1] / 100000) * 100000, customer.currency),
					100n,
				) * 100n
			: null;
		customer.firstCycleDone = !r.chance(0.06);
	}
	// A few addresses that no longer work, as every ledger has.
	const withMail = customers.filter(
		(c) => c.emailStatus === 'ok' && c.profileKey !== 'internal' && c.profileKey !== 'keyAccount',
	);
	for (const customer of [withMail[7], withMail[41], withMail[93]])
		customer.emailStatus = 'bounced';
	const invalid = withMail[120];
	invalid.emailStatus = 'invalid';
	invalid.emails = [invalid.emails[0].replace(/\.example$/, '')];
	// Two risky customers in insolvency proceedings: on hold.
	const risky = customers.filter((c) => c.profileKey === 'risky');
	risky[2].onHold = true;
	risky[2].holdReason =
		'Redressement judiciaire : déclaration de créance faite, relances suspendues';
	risky[17].onHold = true;
	risky[17].holdReason = 'Procédure de sauvegarde en cours';
	return customers;
}

function isoWeekday(iso) {
	return new Date(`${iso}T00:00:00Z`).getUTCDay();
}

function businessDay(core, iso) {
	const day = isoWeekday(iso);
	if (day === 6) return core.addDays(iso, -1);
	if (day === 0) return core.addDays(iso, -2);
	return iso;
}

/** The first working day (Monday to Friday) of the month `monthsBack` months before the month of `asOf`. */
function firstBusinessDayOfMonth(core, asOf, monthsBack) {
	let [year, month] = asOf.split('-').map(Number);
	month -= monthsBack;
	while (month <= 0) {
		month += 12;
		year -= 1;
	}
	const first = `${year}-${String(month).padStart(2, '0')}-01`;
	const day = isoWeekday(first);
	return day === 6 ? core.addDays(first, 2) : day === 0 ? core.addDays(first, 1) : first;
}

function vatRateFor(customer) {
	if (customer.profileKey === 'export') return 0n;
	if (customer.profileKey === 'internal') return customer.country === 'FR' ? 2000n : 0n;
	return COUNTRIES[customer.country].vatBp;
}

function decimal(core, minor, currency) {
	return core.formatAmount(minor, currency);
}

function buildLines(core, r, customer, behaviour) {
	const lines = [];
	const count = r.int(behaviour.lines[0], behaviour.lines[1]);
	const picked = new Set();
	const vatBp = vatRateFor(customer);
	const vatCategory = vatBp > 0n ? 'S' : customer.profileKey === 'export' ? 'G' : 'AE';
	for (let i = 0; i < count; i++) {
		let item = r.pick(CATALOGUE);
		if (item.large && customer.profileKey === 'sme') item = CATALOGUE[0];
		if (picked.has(item.code)) continue;
		picked.add(item.code);
		const factor = item.qty[1] > 1 && !item.large ? r.int(behaviour.qty[0], behaviour.qty[1]) : 1;
		const quantity = BigInt(r.int(item.qty[0], item.qty[1]) * factor);
		lines.push(lineOf(core, item, quantity, customer, vatBp, vatCategory));
	}
	if (customer.profileKey !== 'internal' && r.chance(0.5))
		lines.push(lineOf(core, DELIVERY, 1n, customer, vatBp, vatCategory));
	return lines;
}

function lineOf(core, item, quantity, customer, vatBp, vatCategory) {
	const price = unitPrice(core, item.eur, customer.currency);
	return {
		id: String(0),
		name: item.code,
		description: customer.language === 'en' ? item.en : item.fr,
		quantity: quantity.toString(),
		unitCode: item.unit,
		netPrice: decimal(core, price, customer.currency),
		netAmountMinor: (price * quantity).toString(),
		vatCategory,
		vatRate: (Number(vatBp) / 100).toFixed(2),
	};
}

function totalsOf(core, lines, customer) {
	const excl = lines.reduce((sum, line) => sum + BigInt(line.netAmountMinor), 0n);
	const tax = core.roundHalfAwayFromZero(excl * vatRateFor(customer), 10000n);
	return { excl, tax, incl: excl + tax };
}

/**
 * The whole demo company as plain data, for `asOf` (the reference day, YYYY-MM-DD) and the dunning `policies`
 * (code → stages) the reminders already sent follow. Amounts are bigint minor units.
 */
export function generateDemoCompany(core, { asOf, policies = new Map(), seed = DEMO_SEED } = {}) {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf ?? ''))
		throw new Error('generateDemoCompany needs asOf as YYYY-MM-DD');
	const r = randomSource(seed);
	const customers = makeCustomers(core, r);
	const staff = STAFF.map((s) => ({ ...s, email: staffEmail(s.name) }));

	// Invoices: drafted per customer, numbered afterwards in the order they were issued.
	const drafts = [];
	const contractCustomers = new Set(
		customers
			.filter((c) => c.profileKey === 'keyAccount')
			.slice(0, 6)
			.map((c) => c.externalId),
	);
	for (const customer of customers) {
		const behaviour = BEHAVIOUR[customer.profileKey];
		const count = Math.max(2, Math.round(behaviour.invoices * (0.6 + 0.8 * r.next())));
		for (let i = 0; i < count; i++) {
			const back = r.chance(0.7) ? r.int(0, 150) : r.int(151, 455);
			const issueDate = businessDay(core, core.addDays(asOf, -back));
			drafts.push({ customer, issueDate, lines: buildLines(core, r, customer, behaviour) });
		}
		if (contractCustomers.has(customer.externalId)) {
			// A monthly maintenance contract: the same amount on the first business day of each of the last 8 months.
			for (let m = 7; m >= 0; m--) {
				const issueDate = firstBusinessDayOfMonth(core, asOf, m);
				if (issueDate > asOf) continue;
				drafts.push({
					customer,
					issueDate,
					lines: [lineOf(core, MONTHLY_CONTRACT, 1n, customer, vatRateFor(customer), 'S')],
					contract: true,
				});
			}
		}
	}
	drafts.sort(
		(a, b) =>
			a.issueDate.localeCompare(b.issueDate) ||
			a.customer.externalId.localeCompare(b.customer.externalId),
	);
	const sequences = {};
	const invoices = [];
	for (const draft of drafts) {
		const { customer, issueDate, lines } = draft;
		const c = COUNTRIES[customer.country] ?? COUNTRIES.FR;
		const prefix =
			customer.profileKey === 'export' || customer.profileKey === 'internal' ? 'FA' : c.prefix;
		const year = issueDate.slice(0, 4);
		const key = `${prefix}-${year}`;
		sequences[key] = (sequences[key] ?? 0) + 1;
		const number = `${prefix}-${year}-${String(sequences[key]).padStart(5, '0')}`;
		lines.forEach((line, index) => {
			line.id = String(index + 1);
		});
		const totals = totalsOf(core, lines, customer);
		const terms = customer.terms;
		let receptionDate = null;
		let dueDate;
		let delivery = null;
		if (terms.basis === 'reception') {
			// Hand-delivered invoices of the last weeks went out in the courier waves of their billing run (the first
			// working day after the 15th or after the month's end); a few deliveries failed. Those of a run still to
			// come wait for it: the distribution workflow plans them.
			const plannedOn = nextWorkingDay(
				core,
				Number(issueDate.slice(8)) <= 15
					? `${issueDate.slice(0, 8)}16`
					: core.addDays(core.endOfMonth(issueDate), 1),
			);
			const inWaves =
				core.daysBetween(issueDate, asOf) <= DELIVERY_HISTORY_DAYS && plannedOn <= asOf;
			const received = inWaves
				? core.addDays(plannedOn, r.int(0, 5))
				: core.addDays(issueDate, r.int(2, 9));
			const failed =
				inWaves && r.chance(0.04) ? r.pick(['absent', 'refused', 'wrong_address']) : null;
			receptionDate = received <= asOf && !failed ? received : null;
			dueDate = core.addDays(receptionDate ?? issueDate, terms.days);
			if (inWaves) {
				const outcome =
					failed && plannedOn < asOf
						? failed
						: receptionDate
							? 'delivered'
							: plannedOn < asOf
								? 'picked_up'
								: 'entered';
				const on =
					outcome === 'delivered'
						? receptionDate
						: ['entered', 'picked_up'].includes(outcome)
							? null
							: minDate(received, core.addDays(asOf, -1));
				delivery = {
					plannedOn,
					outcome,
					on,
					recipient: outcome === 'delivered' ? r.pick(RECIPIENTS) : null,
				};
			}
		} else if (terms.basis === 'end_of_month') {
			dueDate = core.endOfMonth(core.addDays(issueDate, terms.days));
		} else {
			dueDate = core.addDays(issueDate, terms.days);
		}
		const poNumber =
			customer.profileKey === 'keyAccount' && r.chance(0.85)
				? `4500${r.digits(6)}`
				: r.chance(0.25)
					? `BC-${r.digits(5)}`
					: null;
		invoices.push({
			number,
			customer,
			contract: Boolean(draft.contract),
			issueDate,
			dueDate,
			receptionDate,
			terms,
			poNumber,
			lines,
			delivery,
			excl: totals.excl,
			tax: totals.tax,
			incl: totals.incl,
			credited: 0n,
			paid: 0n,
			creditNotes: [],
			payments: [],
		});
	}

	// Credit notes: price corrections, returns, a few cancellations; and some on account (no invoice).
	const creditNotes = [];
	const creditSeq = {};
	const creditNumber = (customer, date) => {
		const c = COUNTRIES[customer.country] ?? COUNTRIES.FR;
		const prefix =
			customer.profileKey === 'export' || customer.profileKey === 'internal'
				? 'AV'
				: c.creditPrefix;
		const key = `${prefix}-${date.slice(0, 4)}`;
		creditSeq[key] = (creditSeq[key] ?? 0) + 1;
		return `${prefix}-${date.slice(0, 4)}-${String(creditSeq[key]).padStart(4, '0')}`;
	};
	const creditPlans = [];
	for (const invoice of invoices) {
		if (invoice.contract || invoice.customer.profileKey === 'internal' || !r.chance(0.028))
			continue;
		const date = core.addDays(invoice.issueDate, r.int(3, 40));
		if (date >= asOf) continue;
		const full = r.chance(0.2);
		creditPlans.push({ invoice, date, full, percent: full ? 100 : r.pick([5, 10, 15, 20]) });
	}
	creditPlans.sort((a, b) => a.date.localeCompare(b.date));
	for (const plan of creditPlans) {
		const { invoice, date, full, percent } = plan;
		const customer = invoice.customer;
		const excl = full
			? invoice.excl
			: core.roundHalfAwayFromZero(invoice.excl * BigInt(percent), 100n);
		const tax = full
			? invoice.tax
			: core.roundHalfAwayFromZero(excl * vatRateFor(customer), 10000n);
		const reason = full
			? {
					fr: `Annulation de la facture ${invoice.number} (erreur de tarif)`,
					en: `Cancellation of invoice ${invoice.number} (wrong price)`,
				}
			: r.pick([
					{
						fr: `Remise commerciale de ${percent} % sur la facture ${invoice.number}`,
						en: `${percent}% discount on invoice ${invoice.number}`,
					},
					{
						fr: `Retour de marchandise sur la facture ${invoice.number}`,
						en: `Goods returned on invoice ${invoice.number}`,
					},
				]);
		const note = {
			number: creditNumber(customer, date),
			customer,
			creditedNumber: invoice.number,
			issueDate: date,
			dueDate: date,
			excl,
			tax,
			incl: excl + tax,
			full,
			lines: [
				{
					id: '1',
					name: 'AVOIR',
					description: customer.language === 'en' ? reason.en : reason.fr,
					quantity: '1',
					unitCode: 'C62',
					netPrice: decimal(core, excl, customer.currency),
					netAmountMinor: excl.toString(),
					vatCategory: vatRateFor(customer) > 0n ? 'S' : 'G',
					vatRate: (Number(vatRateFor(customer)) / 100).toFixed(2),
				},
			],
		};
		invoice.credited += note.incl;
		invoice.creditedOn = date;
		invoice.creditNotes.push(note.number);
		creditNotes.push(note);
	}
	for (const customer of customers.filter((c) => c.profileKey === 'sme').slice(5, 8)) {
		const date = core.addDays(asOf, -r.int(10, 50));
		const excl =
			core.roundHalfAwayFromZero(toMinor(r.int(50, 400) * 100, customer.currency), 100n) * 100n;
		const tax = core.roundHalfAwayFromZero(excl * vatRateFor(customer), 10000n);
		creditNotes.push({
			number: creditNumber(customer, date),
			customer,
			creditedNumber: null,
			issueDate: date,
			dueDate: date,
			excl,
			tax,
			incl: excl + tax,
			full: false,
			lines: [
				{
					id: '1',
					name: 'RFA',
					description:
						customer.language === 'en'
							? 'Year-end volume rebate'
							: 'Remise de fin d’année (ristourne sur volume)',
					quantity: '1',
					unitCode: 'C62',
					netPrice: decimal(core, excl, customer.currency),
					netAmountMinor: excl.toString(),
					vatCategory: 'S',
					vatRate: (Number(vatRateFor(customer)) / 100).toFixed(2),
				},
			],
		});
	}

	// Payments: what each invoice has received by now, grouped into bank transfers the way customers pay.
	const settlements = [];
	for (const invoice of invoices) {
		const remaining = invoice.incl - invoice.credited;
		if (remaining <= 0n) continue;
		const profileKey = invoice.customer.profileKey;
		const late = core.daysBetween(invoice.dueDate, asOf);
		const latest = core.addDays(asOf, -1);
		const earliest = core.addDays(invoice.creditedOn ?? invoice.issueDate, 1);
		if (earliest > latest) continue;
		const roll = r.next();
		if (invoice.contract && late > -40 && late < 45) continue;
		if (roll < paidProbability(profileKey, late)) {
			const [lo, hi] = BEHAVIOUR[profileKey].delay;
			let on = core.addDays(invoice.dueDate, r.int(lo, hi));
			if (on > latest) on = latest;
			if (on < earliest) on = earliest;
			settlements.push({ invoice, on, amount: remaining, full: true });
		} else if (late > -10 && r.chance(0.08)) {
			const part = core.roundHalfAwayFromZero(remaining * BigInt(r.pick([30, 40, 50, 60])), 100n);
			const step = invoice.customer.currency === 'XOF' ? 1000n : 10000n;
			const amount = part - (part % step);
			if (amount <= 0n || amount >= remaining) continue;
			let on = core.addDays(invoice.dueDate, r.int(-5, 20));
			if (on > latest) on = latest;
			if (on < earliest) on = earliest;
			settlements.push({ invoice, on, amount, full: false });
		}
	}
	const groups = new Map();
	for (const settlement of settlements) {
		const week = Math.floor(core.daysBetween('2020-01-06', settlement.on) / 7);
		const key = settlement.full
			? `${settlement.invoice.customer.externalId}|${week}`
			: `partial|${settlement.invoice.number}`;
		if (!groups.has(key)) groups.set(key, []);
		groups.get(key).push(settlement);
	}
	const payments = [];
	let paymentSeq = 0;
	for (const group of [...groups.values()].sort(
		(a, b) =>
			maxOn(a).localeCompare(maxOn(b)) || a[0].invoice.number.localeCompare(b[0].invoice.number),
	)) {
		const customer = group[0].invoice.customer;
		const receivedOn = maxOn(group);
		const amount = group.reduce((sum, s) => sum + s.amount, 0n);
		const numbers = group.map((s) => s.invoice.number);
		paymentSeq += 1;
		const method = paymentMethod(r, customer, amount);
		const externalRef = `${method.code}-${receivedOn.replace(/-/g, '')}-${String(paymentSeq).padStart(5, '0')}`;
		const payer = customer.legalName.toUpperCase();
		const referenceText =
			method.code === 'VIR'
				? `VIR ${customer.currency === 'EUR' ? 'SEPA ' : ''}${payer} ${group[0].full ? '' : 'ACOMPTE '}${numbers.join(' ')}`
						.replace(/\s+/g, ' ')
						.trim()
				: `${method.label} ${payer} ${numbers.join(' ')}`;
		payments.push({
			externalRef,
			customer,
			amount,
			currency: customer.currency,
			receivedOn,
			payerName: payer,
			referenceText,
			invoiceNumbers: numbers,
			kind: group[0].full ? 'settlement' : 'partial',
		});
		for (const s of group) {
			s.invoice.paid += s.amount;
			s.invoice.payments.push({ externalRef, amount: s.amount, on: receivedOn });
		}
	}

	// Payments that cannot be applied on their own: a transfer from an unknown payer, and a key account paying one
	// month of its maintenance contract without saying which (two months are open for the same amount).
	const strays = [];
	strays.push({
		externalRef: `VIR-${core.addDays(asOf, -3).replace(/-/g, '')}-90001`,
		customer: null,
		amount: 1_250_000n,
		currency: 'MAD',
		receivedOn: core.addDays(asOf, -3),
		payerName: 'STE GENERALE DE NEGOCE ATLAS',
		referenceText: 'VIREMENT RECU REGLEMENT FACTURES',
		invoiceNumbers: [],
		kind: 'unknown_payer',
	});
	strays.push({
		externalRef: `VIR-${core.addDays(asOf, -6).replace(/-/g, '')}-90002`,
		customer: null,
		amount: 84_000n,
		currency: 'EUR',
		receivedOn: core.addDays(asOf, -6),
		payerName: 'M OU MME LEBLANC PASCAL',
		referenceText: 'VIR SEPA M OU MME LEBLANC PASCAL REGLEMENT',
		invoiceNumbers: [],
		kind: 'unknown_payer',
	});
	const contractOpen = new Map();
	for (const invoice of invoices) {
		if (!invoice.contract || invoice.paid > 0n || invoice.credited > 0n) continue;
		const list = contractOpen.get(invoice.customer.externalId) ?? [];
		list.push(invoice);
		contractOpen.set(invoice.customer.externalId, list);
	}
	const twoOpen = [...contractOpen.values()].find((list) => list.length >= 2);
	if (twoOpen) {
		const customer = twoOpen[0].customer;
		strays.push({
			externalRef: `VIR-${core.addDays(asOf, -2).replace(/-/g, '')}-90003`,
			customer,
			amount: twoOpen[0].incl,
			currency: customer.currency,
			receivedOn: core.addDays(asOf, -2),
			payerName: customer.legalName.toUpperCase(),
			referenceText: `VIR SEPA ${customer.legalName.toUpperCase()} MAINTENANCE`,
			invoiceNumbers: [],
			kind: 'ambiguous',
		});
	}

	const open = invoices.filter((inv) => inv.incl - inv.credited - inv.paid > 0n);
	const lateOpen = open.filter((inv) => core.daysBetween(inv.dueDate, asOf) > 0);

	// Disputes (a late payment in two comes from one, the seeds say): four categories, most still open.
	const disputeReasons = {
		administrative: [
			[
				'billing_error',
				'Erreur de facturation : quantité facturée supérieure à la quantité livrée',
				'Billing error: more units invoiced than delivered',
			],
			[
				'credit_note_expected',
				'Le client attend un avoir promis par le commercial',
				'The customer expects a credit note promised by the sales rep',
			],
			[
				'missing_po',
				'Numéro de commande absent de la facture : le service achats bloque le paiement',
				'Purchase order number missing: the buyer blocks the payment',
			],
			[
				'matching',
				'Paiement déjà effectué selon le client (lettrage à vérifier)',
				'The customer says it already paid (matching to check)',
			],
		],
		logistics: [
			[
				'partial_delivery',
				'Livraison incomplète : deux colis manquants',
				'Incomplete delivery: two parcels missing',
			],
			['damaged', 'Matériel livré endommagé', 'Goods delivered damaged'],
			[
				'invoice_not_received',
				'Facture jamais reçue par le client',
				'Invoice never received by the customer',
			],
		],
		commercial: [
			[
				'price_disagreement',
				'Tarif facturé différent du devis accepté',
				'Price invoiced differs from the accepted quote',
			],
			['discount_not_applied', 'Remise annuelle non appliquée', 'Annual discount not applied'],
			[
				'unsuitable_offer',
				'Offre jugée inadaptée au besoin, le client demande une reprise',
				'Offer found unsuitable, the customer asks for a take-back',
			],
		],
		technical: [
			[
				'malfunction',
				'Dysfonctionnement constaté à la mise en service',
				'Malfunction found at commissioning',
			],
			[
				'installation',
				'Installation non terminée par le technicien',
				'Installation not finished by the technician',
			],
		],
	};
	const endings = {
		administrative: [
			[
				'corrected_invoice',
				'Fichier client incomplet (numéro de commande non saisi)',
				'Facture refaite avec le bon numéro de commande',
			],
			[
				'credit_note',
				'Erreur de saisie des quantités',
				'Avoir partiel émis, solde à régler par le client',
			],
		],
		logistics: [
			['redelivery', 'Colis égaré par le transporteur', 'Colis manquants relivrés'],
			[
				'credit_note',
				'Bon de livraison non signé par le client',
				'Avoir pour la marchandise abîmée',
			],
		],
		commercial: [
			['credit_note', 'Tarif client non mis à jour dans l’ERP', 'Avoir de la différence de prix'],
			[
				'unjustified',
				'Remise hors conditions générales',
				'Demande refusée, conditions rappelées au client',
			],
		],
		technical: [
			['redelivery', 'Pièce défectueuse chez le fournisseur', 'Pièce remplacée sur site'],
			['other', 'Mauvaise utilisation du matériel', 'Formation faite sur place'],
		],
	};
	const disputes = [];
	const disputed = new Set();
	const candidates = lateOpen.filter(
		(inv) => inv.customer.profileKey !== 'internal' && inv.creditNotes.length === 0,
	);
	for (let i = 0; i < 42 && candidates.length; i++) {
		const invoice = candidates.splice(r.int(0, candidates.length - 1), 1)[0];
		if (disputed.has(invoice.number)) continue;
		const category = r.weighted([
			['administrative', 40],
			['logistics', 25],
			['commercial', 20],
			['technical', 15],
		]);
		const [subcategory, fr, en] = r.pick(disputeReasons[category]);
		const linked = [invoice];
		const sibling = candidates.find((other) => other.customer === invoice.customer);
		if (sibling && r.chance(0.2)) {
			linked.push(sibling);
			candidates.splice(candidates.indexOf(sibling), 1);
		}
		for (const inv of linked) disputed.add(inv.number);
		const late = core.daysBetween(invoice.dueDate, asOf);
		const openedOn = core.addDays(invoice.dueDate, Math.min(late - 1, r.int(1, 20)));
		const resolved = late > 30 && r.chance(0.2);
		const [resolution, rootCause, note] = r.pick(endings[category]);
		disputes.push({
			ref: `demo-dispute-${String(disputes.length + 1).padStart(3, '0')}`,
			customer: invoice.customer,
			category,
			subcategory,
			status: resolved ? 'resolved' : 'open',
			language: invoice.customer.language,
			openedOn,
			amount: linked.reduce((s, inv) => s + inv.incl - inv.credited - inv.paid, 0n),
			currency: invoice.customer.currency,
			source: r.pick(['quality_call', 'email', 'phone', 'courier']),
			evidence: invoice.customer.language === 'en' ? en : fr,
			resolution: resolved ? resolution : null,
			rootCause: resolved ? rootCause : null,
			note: resolved ? note : null,
			resolvedOn: resolved
				? minDate(core.addDays(openedOn, r.int(5, 25)), core.addDays(asOf, -1))
				: null,
			createdBy: invoice.customer.collectorCode,
			invoices: linked.map((inv) => inv.number),
		});
	}

	// Promises to pay: pending (due soon), broken (past, still unpaid), kept (paid on the promised day). They are
	// recorded pending; settling them as of the reference day (the core's rule) says which were kept or broken.
	const promises = [];
	const promiseCandidates = lateOpen.filter(
		(inv) => !disputed.has(inv.number) && inv.customer.profileKey !== 'internal',
	);
	for (let i = 0; i < 24 && promiseCandidates.length; i++) {
		const invoice = promiseCandidates.splice(r.int(0, promiseCandidates.length - 1), 1)[0];
		const pending = i % 3 !== 2;
		const promisedOn = pending
			? core.addDays(asOf, r.int(1, 20))
			: core.addDays(asOf, -r.int(3, 25));
		promises.push({
			ref: `demo-promise-${String(promises.length + 1).padStart(3, '0')}`,
			customer: invoice.customer,
			invoice: invoice.number,
			promisedOn,
			amount: invoice.incl - invoice.credited - invoice.paid,
			currency: invoice.customer.currency,
			status: pending ? 'pending' : 'broken',
			source: r.pick(['call', 'email', 'courier']),
			createdOn: core.addDays(promisedOn > asOf ? asOf : promisedOn, -r.int(2, 10)),
		});
	}
	const paidLate = invoices.filter(
		(inv) =>
			inv.payments.length &&
			inv.incl - inv.credited - inv.paid === 0n &&
			core.daysBetween(inv.dueDate, inv.payments[inv.payments.length - 1].on) > 5,
	);
	for (let i = 0; i < 8 && paidLate.length; i++) {
		const invoice = paidLate.splice(r.int(0, paidLate.length - 1), 1)[0];
		const paidOn = invoice.payments[invoice.payments.length - 1].on;
		promises.push({
			ref: `demo-promise-${String(promises.length + 1).padStart(3, '0')}`,
			customer: invoice.customer,
			invoice: invoice.number,
			promisedOn: paidOn,
			amount: invoice.incl - invoice.credited,
			currency: invoice.customer.currency,
			status: 'kept',
			source: 'call',
			createdOn: core.addDays(paidOn, -r.int(3, 10)),
		});
	}

	// Holds: payment plans agreed with a customer (accord de délai), and the customers on hold.
	const holds = [];
	const holdCandidates = lateOpen.filter(
		(inv) =>
			!disputed.has(inv.number) &&
			!promises.some((p) => p.invoice === inv.number) &&
			inv.customer.profileKey === 'sme',
	);
	for (let i = 0; i < 6 && holdCandidates.length; i++) {
		const invoice = holdCandidates.splice(r.int(0, holdCandidates.length - 1), 1)[0];
		holds.push({
			customer: invoice.customer,
			invoice: invoice.number,
			reason: 'Accord de délai : paiement en trois échéances mensuelles',
			until: core.addDays(asOf, r.int(20, 75)),
			createdBy: invoice.customer.collectorCode,
		});
	}
	for (const customer of customers.filter((c) => c.onHold)) {
		holds.push({
			customer,
			invoice: null,
			reason: customer.holdReason,
			until: null,
			createdBy: customer.collectorCode,
		});
	}

	// Reminders already sent: each stage whose day has passed (before yesterday), so today's run has today's work.
	const reminders = [];
	for (const invoice of open) {
		const stages = policies.get(invoice.customer.profile) ?? [];
		const messageOf = (stage, on) =>
			`<${stage}.${invoice.customer.externalId.toLowerCase()}.${on.replace(/-/g, '')}@${COMPANY.domain}>`;
		for (const stage of stages) {
			if (stage.kind === 'thank_you' || typeof stage.offsetDays !== 'number') continue;
			const on = core.addDays(invoice.dueDate, stage.offsetDays);
			if (on > core.addDays(asOf, -2) || on < invoice.issueDate) continue;
			if (disputed.has(invoice.number) && stage.kind !== 'pre_due') continue;
			const channels = stage.channels ?? ['email'];
			const email =
				invoice.customer.emailStatus !== 'none' &&
				invoice.customer.emailStatus !== 'invalid' &&
				channels.includes('email');
			const channel = email ? 'email' : channels.includes('letter') ? 'letter' : channels[0];
			const bounced = channel === 'email' && invoice.customer.emailStatus === 'bounced';
			reminders.push({
				invoice: invoice.number,
				customer: invoice.customer,
				stage: stage.code,
				channel,
				status: bounced ? 'bounced' : 'sent',
				sentOn: on,
				messageId: channel === 'email' ? messageOf(stage.code, on) : null,
				recipients: channel === 'email' ? invoice.customer.emails : [],
				error: bounced ? '550 5.1.1 Recipient address rejected: user unknown' : null,
			});
		}
	}

	// Courier waves of the last weeks: one per zone and day, handed over once every invoice was entered, closed
	// when every delivery has its outcome and a week has passed.
	const waves = new Map();
	for (const invoice of invoices.filter((inv) => inv.delivery)) {
		const { customer } = invoice;
		const key = `${customer.country}|${customer.zone}|${invoice.delivery.plannedOn}`;
		if (!waves.has(key)) {
			const courier =
				customer.country === 'MA'
					? customer.city === 'Casablanca'
						? 'CRS-CASA'
						: 'CRS-RABAT'
					: customer.country === 'SN'
						? 'CRS-DKR'
						: 'CRS-ABJ';
			const rates =
				customer.currency === 'MAD'
					? { courier: 2500n, printing: 300n }
					: { courier: 1500n, printing: 200n };
			waves.set(key, {
				code: `W${invoice.delivery.plannedOn.replace(/-/g, '')}-${slug(customer.zone).toUpperCase()}`,
				cycleKey:
					typeof core.cyclePeriod === 'function'
						? core.cyclePeriod(customer.billingCycle, core.addDays(invoice.delivery.plannedOn, -1))
								.key
						: `${customer.billingCycle}@${invoice.issueDate}`,
				billingCycle: customer.billingCycle,
				zone: customer.zone,
				city: customer.city,
				country: customer.country,
				courier,
				plannedOn: invoice.delivery.plannedOn,
				currency: customer.currency,
				rates,
				invoices: [],
			});
		}
		waves.get(key).invoices.push(invoice);
	}
	for (const wave of waves.values()) {
		const outcomes = wave.invoices.map((inv) => inv.delivery.outcome);
		const final = outcomes.every((o) => !['entered', 'picked_up'].includes(o));
		wave.status =
			wave.plannedOn > asOf || outcomes.every((o) => o === 'entered')
				? 'planned'
				: final && core.daysBetween(wave.plannedOn, asOf) > 7
					? 'closed'
					: 'released';
	}

	return {
		asOf,
		seed,
		company: COMPANY,
		staff,
		customers,
		invoices,
		creditNotes,
		payments,
		strays,
		disputes,
		promises,
		holds,
		reminders,
		waves: [...waves.values()].sort(
			(a, b) => a.plannedOn.localeCompare(b.plannedOn) || a.code.localeCompare(b.code),
		),
	};
}

const DELIVERY_HISTORY_DAYS = 75;
const RECIPIENTS = [
	'Accueil (cachet de la société)',
	'Service comptabilité',
	'Secrétariat de direction',
	'M. le comptable',
	'Mme la gérante',
	'Bureau d’ordre',
	'Caisse centrale',
	'Standard',
];

function nextWorkingDay(core, iso) {
	const day = isoWeekday(iso);
	return day === 6 ? core.addDays(iso, 2) : day === 0 ? core.addDays(iso, 1) : iso;
}

function minDate(a, b) {
	return a < b ? a : b;
}

function maxOn(group) {
	return group.reduce((max, s) => (s.on > max ? s.on : max), group[0].on);
}

function paymentMethod(r, customer, amount) {
	if (['SN', 'CI'].includes(customer.country) && customer.profileKey !== 'internal') {
		return r.weighted([
			[{ code: 'VIR', label: 'VIREMENT' }, 6],
			[{ code: 'CHQ', label: 'REMISE CHEQUE' }, 3],
			[
				{
					code: amount < 500_000n ? 'OM' : 'VIR',
					label: amount < 500_000n ? 'ORANGE MONEY' : 'VIREMENT',
				},
				2,
			],
		]);
	}
	if (customer.country === 'MA' && customer.profileKey !== 'internal') {
		return r.weighted([
			[{ code: 'VIR', label: 'VIREMENT' }, 6],
			[{ code: 'CHQ', label: 'REMISE CHEQUE' }, 3],
			[{ code: 'EFF', label: 'EFFET LCN' }, 2],
		]);
	}
	return { code: 'VIR', label: 'VIREMENT' };
}

/**
 * What the company holds, counted the way the tests and the start banner read it: customers per profile, open
 * invoices per profile and aging bucket, totals still owed per currency (decimal strings).
 */
export function summariseDemoCompany(core, data) {
	const byProfile = {};
	const openByProfile = {};
	const owed = {};
	for (const customer of data.customers)
		byProfile[customer.profile] = (byProfile[customer.profile] ?? 0) + 1;
	let openCount = 0;
	let paidCount = 0;
	let creditedCount = 0;
	for (const invoice of data.invoices) {
		const open = invoice.incl - invoice.credited - invoice.paid;
		if (open === 0n) {
			if (invoice.paid > 0n) paidCount += 1;
			else creditedCount += 1;
			continue;
		}
		openCount += 1;
		const bucket = agingBucket(core, invoice.dueDate, data.asOf);
		openByProfile[invoice.customer.profile] ??= Object.fromEntries(BUCKETS.map((b) => [b, 0]));
		openByProfile[invoice.customer.profile][bucket] += 1;
		owed[invoice.customer.currency] = (owed[invoice.customer.currency] ?? 0n) + open;
	}
	for (const note of data.creditNotes.filter((n) => !n.creditedNumber)) {
		owed[note.customer.currency] = (owed[note.customer.currency] ?? 0n) - note.incl;
	}
	return {
		asOf: data.asOf,
		customers: data.customers.length,
		customersByProfile: byProfile,
		staff: data.staff.length,
		invoices: data.invoices.length,
		openInvoices: openCount,
		paidInvoices: paidCount,
		creditedInvoices: creditedCount,
		creditNotes: data.creditNotes.length,
		payments: data.payments.length + data.strays.length,
		disputes: data.disputes.length,
		promises: data.promises.length,
		holds: data.holds.length,
		remindersSent: data.reminders.length,
		waves: data.waves.length,
		deliveries: data.waves.reduce((sum, wave) => sum + wave.invoices.length, 0),
		deliveriesByOutcome: data.waves
			.flatMap((w) => w.invoices)
			.reduce(
				(acc, inv) => ({ ...acc, [inv.delivery.outcome]: (acc[inv.delivery.outcome] ?? 0) + 1 }),
				{},
			),
		openByProfileAndBucket: openByProfile,
		owed: Object.fromEntries(
			Object.entries(owed)
				.sort()
				.map(([currency, minor]) => [currency, core.formatAmount(minor, currency)]),
		),
	};
}

// ------------------------------------------------------------------------------------------------------------------
// Loading into a ledger

/** The demo company recorded in the ledger (its settings row), or undefined. */
export async function demoState(ledger) {
	const rows = await ledger.query('SELECT value FROM settings WHERE key = $1', [DEMO_SETTING]);
	return rows[0]?.value;
}

async function installPolicies(core, ledger) {
	if (typeof core.installDefaultPolicies !== 'function') {
		throw new Error(
			'This build of the core ships no dunning policies (installDefaultPolicies is missing): run `npm run build`.',
		);
	}
	await core.installDefaultPolicies(ledger);
	const rows = await ledger.query('SELECT code, stages FROM dunning_policies');
	const policies = new Map(
		rows.map((row) => [row.code, Array.isArray(row.stages) ? row.stages : []]),
	);
	const missing = Object.values(PROFILES).filter((code) => !policies.has(code));
	if (missing.length)
		throw new Error(
			`The dunning policies ${missing.join(', ')} are missing from the ledger: the demo customers need them.`,
		);
	return policies;
}

function customerInput(customer) {
	return {
		externalId: customer.externalId,
		name: customer.name,
		legalName: customer.legalName,
		siren: customer.siren ?? null,
		vatNumber: customer.vatNumber ?? null,
		profile: customer.profile,
		language: customer.language,
		emails: customer.emails,
		ccEmails: customer.ccEmails,
		phone: customer.phone,
		salesRepCode: customer.salesRepCode,
		collectorCode: customer.collectorCode,
		billingCycle: customer.billingCycle,
		zone: customer.zone,
		addressLines: customer.addressLines,
		postalCode: customer.postalCode,
		city: customer.city,
		country: customer.country,
		creditLimitMinor: customer.creditLimitMinor,
		currency: customer.currency,
		paymentTermsDays: customer.paymentTermsDays,
		onHold: Boolean(customer.onHold),
		holdReason: customer.holdReason ?? null,
		customFields: customer.customFields,
	};
}

function invoiceInput(invoice, docType) {
	const customer = invoice.customer;
	return {
		docType,
		number: invoice.number,
		customerExternalId: customer.externalId,
		customerName: customer.name,
		currency: customer.currency,
		totalExclMinor: invoice.excl,
		totalTaxMinor: invoice.tax,
		totalInclMinor: invoice.incl,
		payableMinor: invoice.incl,
		issueDate: invoice.issueDate,
		dueDate: invoice.dueDate,
		receptionDate: invoice.receptionDate ?? null,
		termsDays: docType === 'invoice' ? invoice.terms.days : null,
		termsBasis: docType === 'invoice' ? invoice.terms.basis : null,
		paymentTerms: docType === 'invoice' ? termsText(invoice.terms, customer.language) : null,
		poNumber: invoice.poNumber ?? null,
		creditedNumber: invoice.creditedNumber ?? null,
		source: 'demo',
		lines: invoice.lines,
	};
}

function rejected(what, outcomes) {
	const bad = outcomes.filter((o) => o.status === 'rejected');
	if (bad.length === 0) return;
	const first = bad[0];
	throw new Error(
		`${bad.length} demo ${what} were refused by the ledger; the first: ${first.externalId ?? first.number ?? ''} ${first.error?.code}: ${first.error?.message}`,
	);
}

const instant = (date, time = '10:00') => `${date} ${time}:00 ${ZONE}`;

/**
 * The courier waves, the way the distribution service leaves them: planned with their deliveries, handed over
 * (the ledger's trigger checks every invoice was entered), closed; and the couriers' events on each delivery.
 */
async function insertWaves(core, client, waves) {
	for (const wave of waves) {
		const inserted = await client.query(
			`INSERT INTO waves (code, billing_cycle, cycle_key, zone, city, country, courier_code, planned_on, currency, courier_rate_minor, printing_rate_minor, postage_rate_minor)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0) ON CONFLICT (code) DO NOTHING RETURNING id`,
			[
				wave.code,
				wave.billingCycle,
				wave.cycleKey,
				wave.zone,
				wave.city,
				wave.country,
				wave.courier,
				wave.plannedOn,
				wave.currency,
				wave.rates.courier.toString(),
				wave.rates.printing.toString(),
			],
		);
		if (!inserted.rows[0]) continue;
		const waveId = inserted.rows[0].id;
		const rows = wave.invoices.map((invoice, position) => {
			const d = invoice.delivery;
			const final = !['entered', 'picked_up'].includes(d.outcome);
			return {
				number: invoice.number,
				position: position + 1,
				status: d.outcome,
				recipient: d.recipient,
				entered_at: instant(core.addDays(wave.plannedOn, -1), '17:00'),
				delivered_at:
					d.outcome === 'delivered'
						? instant(
								d.on,
								`${String(9 + (position % 8)).padStart(2, '0')}:${String((position * 7) % 60).padStart(2, '0')}`,
							)
						: null,
				last_event_at: final
					? instant(d.on, '15:00')
					: d.outcome === 'picked_up'
						? instant(wave.plannedOn, '08:30')
						: null,
			};
		});
		await client.query(
			`INSERT INTO deliveries (wave_id, invoice_id, customer_id, status, recipient_name, delivered_at, last_event_at, entered_at, position)
			SELECT $1, i.id, i.customer_id, r.status, r.recipient, r.delivered_at::timestamptz, r.last_event_at::timestamptz, r.entered_at::timestamptz, r.position
			FROM jsonb_to_recordset($2::jsonb) AS r(number text, position int, status text, recipient text, entered_at text, delivered_at text, last_event_at text)
			JOIN invoices i ON i.doc_type = 'invoice' AND i.issuer = 'default' AND i.number = r.number`,
			[waveId, JSON.stringify(rows)],
		);
		if (wave.status !== 'planned') {
			await client.query(
				`UPDATE waves SET status = 'released', released_at = $2::timestamptz WHERE id = $1`,
				[waveId, instant(wave.plannedOn, '08:00')],
			);
		}
		if (wave.status === 'closed') {
			await client.query(
				`UPDATE waves SET status = 'closed', closed_at = $2::timestamptz WHERE id = $1`,
				[waveId, instant(wave.plannedOn, '19:00')],
			);
		}
		const events = wave.invoices.flatMap((invoice) => {
			const d = invoice.delivery;
			if (d.outcome === 'entered') return [];
			const list = [
				{
					event_id: `demo-${invoice.number}-picked_up`,
					number: invoice.number,
					type: 'picked_up',
					at: instant(wave.plannedOn, '08:30'),
					recipient: null,
				},
			];
			if (d.outcome !== 'picked_up')
				list.push({
					event_id: `demo-${invoice.number}-${d.outcome}`,
					number: invoice.number,
					type: d.outcome,
					at: instant(d.on, '15:00'),
					recipient: d.recipient,
				});
			return list;
		});
		await client.query(
			`INSERT INTO courier_events (event_id, courier_code, delivery_id, invoice_id, type, occurred_at, received_at, recipient_name)
			SELECT r.event_id, $1, d.id, i.id, r.type, r.at::timestamptz, r.at::timestamptz, r.recipient
			FROM jsonb_to_recordset($3::jsonb) AS r(event_id text, number text, type text, at text, recipient text)
			JOIN invoices i ON i.doc_type = 'invoice' AND i.issuer = 'default' AND i.number = r.number
			JOIN deliveries d ON d.invoice_id = i.id AND d.wave_id = $2
			ON CONFLICT (event_id) DO NOTHING`,
			[wave.courier, waveId, JSON.stringify(events)],
		);
	}
}

/**
 * Credit notes and payments through the core, each dated group with its history dated by its fact: a credit note on
 * its issue day at 09:00, a payment (received, allocated, invoice paid, flagged, small difference written off) on the
 * day it was received at 15:00 — in the order they happened.
 */
async function loadDatedPayments(core, dated, data, rejected) {
	const byDay = (list, dayOf) =>
		[...list.reduce((m, x) => m.set(dayOf(x), [...(m.get(dayOf(x)) ?? []), x]), new Map())].sort(
			([a], [b]) => (a < b ? -1 : a > b ? 1 : 0),
		);
	const notes = [];
	for (const [day, list] of byDay(data.creditNotes, (n) => n.issueDate)) {
		await dated.setHistoryDate(instant(day, '09:00'));
		notes.push(
			...(await core.storeInvoices(
				dated,
				list.map((note) => invoiceInput(note, 'credit_note')),
				{ actor: 'demo' },
			)),
		);
	}
	rejected('credit notes', notes);
	const paymentInputs = [...data.payments, ...data.strays].map((p) => ({
		source: 'bank',
		externalRef: p.externalRef,
		amountMinor: p.amount,
		currency: p.currency,
		receivedOn: p.receivedOn,
		payerName: p.payerName,
		referenceText: p.referenceText,
		customerExternalId: p.customer?.externalId ?? null,
		invoiceNumbers: p.invoiceNumbers,
	}));
	const paid = [];
	for (const [day, list] of byDay(paymentInputs, (p) => p.receivedOn)) {
		await dated.setHistoryDate(instant(day, '15:00'));
		paid.push(...(await core.storePayments(dated, list, { actor: 'demo' })));
	}
	await dated.setHistoryDate(null);
	rejected(
		'payments',
		paid.map((o) => ({ ...o, externalId: o.externalRef })),
	);
}

/** What has no core API (customer flags, promises, holds, reminders already sent) goes in one transaction, once. */
async function loadDetails(core, ledger, data) {
	await ledger.transaction(async (client) => {
		await client.query('SELECT pg_advisory_xact_lock($1)', [0x44454d4f]);
		const current = await client.query('SELECT value FROM settings WHERE key = $1 FOR UPDATE', [
			DEMO_SETTING,
		]);
		if (current.rows[0]?.value?.details) return;
		const emailStatus = data.customers
			.filter((c) => c.emailStatus !== 'ok')
			.map((c) => ({ external_id: c.externalId, status: c.emailStatus }));
		await client.query(
			`UPDATE customers c SET email_status = r.status FROM jsonb_to_recordset($1::jsonb) AS r(external_id text, status text) WHERE c.external_id = r.external_id`,
			[JSON.stringify(emailStatus)],
		);
		await client.query(
			`UPDATE customers c SET first_cycle_done = r.done FROM jsonb_to_recordset($1::jsonb) AS r(external_id text, done boolean) WHERE c.external_id = r.external_id`,
			[
				JSON.stringify(
					data.customers.map((c) => ({ external_id: c.externalId, done: c.firstCycleDone })),
				),
			],
		);

		await client.query(
			`INSERT INTO promises (customer_id, invoice_id, promised_on, amount_minor, currency, status, source, source_ref, created_at)
			SELECT c.id, i.id, r.promised_on, r.amount::bigint, r.currency, 'pending', r.source, r.ref, r.created_at::timestamptz
			FROM jsonb_to_recordset($1::jsonb) AS r(ref text, customer text, number text, promised_on date, amount text, currency text,
				source text, created_at text)
			JOIN customers c ON c.external_id = r.customer
			JOIN invoices i ON i.doc_type = 'invoice' AND i.issuer = 'default' AND i.number = r.number
			ON CONFLICT (source, source_ref) WHERE source_ref IS NOT NULL DO NOTHING`,
			[
				JSON.stringify(
					data.promises.map((p) => ({
						ref: p.ref,
						customer: p.customer.externalId,
						number: p.invoice,
						promised_on: p.promisedOn,
						amount: p.amount.toString(),
						currency: p.currency,
						source: p.source,
						created_at: instant(p.createdOn, '11:30'),
					})),
				),
			],
		);
		await client.query(
			`INSERT INTO history (at, customer_id, invoice_id, kind, channel, actor, summary, payload)
			SELECT p.created_at, p.customer_id, p.invoice_id, 'promise_recorded', p.source, 'demo',
				'Promise to pay on ' || p.promised_on::text,
				jsonb_build_object('promiseId', p.id::text, 'amountMinor', p.amount_minor::text,
					'timeline', jsonb_build_object('key', 'promise_recorded', 'fields', jsonb_build_object('promisedOn', p.promised_on::text, 'amountMinor', p.amount_minor::text, 'currency', p.currency)))
			FROM promises p WHERE p.source_ref LIKE 'demo-promise-%'`,
		);

		await client.query(
			`INSERT INTO holds (customer_id, invoice_id, reason, until, created_by)
			SELECT c.id, i.id, r.reason, r.until, r.created_by
			FROM jsonb_to_recordset($1::jsonb) AS r(customer text, number text, reason text, until date, created_by text)
			JOIN customers c ON c.external_id = r.customer
			LEFT JOIN invoices i ON i.doc_type = 'invoice' AND i.issuer = 'default' AND i.number = r.number`,
			[
				JSON.stringify(
					data.holds.map((h) => ({
						customer: h.customer.externalId,
						number: h.invoice,
						reason: h.reason,
						until: h.until,
						created_by: h.createdBy,
					})),
				),
			],
		);

		await client.query(
			`INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, claimed_by, claimed_at, sent_at, message_id, recipients, attempts, error)
			SELECT i.id, i.customer_id, r.stage, r.channel, r.status, 'demo', r.sent_at::timestamptz, r.sent_at::timestamptz, r.message_id, r.recipients, 1, r.error
			FROM jsonb_to_recordset($1::jsonb) AS r(number text, stage text, channel text, status text, sent_at text, message_id text,
				recipients text[], error text)
			JOIN invoices i ON i.doc_type = 'invoice' AND i.issuer = 'default' AND i.number = r.number
			ON CONFLICT (invoice_id, stage) DO NOTHING`,
			[
				JSON.stringify(
					data.reminders.map((m) => ({
						number: m.invoice,
						stage: m.stage,
						channel: m.channel,
						status: m.status,
						sent_at: instant(m.sentOn, '20:00'),
						message_id: m.messageId,
						recipients: m.recipients,
						error: m.error,
					})),
				),
			],
		);
		await client.query(
			`INSERT INTO history (at, customer_id, invoice_id, kind, channel, actor, summary, payload)
			SELECT m.sent_at, m.customer_id, m.invoice_id, CASE WHEN m.status = 'bounced' THEN 'reminder_bounced' ELSE 'reminder_sent' END, m.channel, 'demo',
				'Reminder ' || m.stage || ' (' || m.channel || ')',
				jsonb_build_object('stage', m.stage, 'messageId', m.message_id,
					'timeline', jsonb_build_object('key', CASE WHEN m.status = 'bounced' THEN 'reminder_logged_bounced' ELSE 'reminder_logged' END, 'fields', jsonb_build_object('stage', m.stage, 'channel', m.channel)))
			FROM reminders m WHERE m.claimed_by = 'demo'`,
		);
		await insertWaves(core, client, data.waves);
		await client.query(
			`UPDATE settings SET value = value || '{"details": true}'::jsonb, updated_at = now() WHERE key = $1`,
			[DEMO_SETTING],
		);
	});
}

/**
 * Disputes through the core (owner routing, linked invoices held from dunning, history), idempotent by their source
 * reference, each entry dated when it happened in the company's story (opened at 09:30, resolved at 16:00); then the
 * promises settled day after day as the daily settlement would have (their entries dated at noon of that day).
 */
async function loadDatedDisputesAndPromises(core, dated, data) {
	for (const d of data.disputes) {
		await dated.setHistoryDate(instant(d.openedOn, '09:30'));
		const opened = await core.openDispute(dated, {
			invoices: d.invoices,
			customer: d.customer.externalId,
			category: d.category,
			subcategory: d.subcategory,
			evidence: d.evidence,
			source: d.source,
			sourceRef: d.ref,
			language: d.language,
			asOf: d.openedOn,
			actor: d.createdBy,
		});
		if (d.status === 'resolved') {
			await dated.setHistoryDate(instant(d.resolvedOn, '16:00'));
			await core.resolveDispute(dated, {
				disputeId: opened.disputeId,
				resolution: d.resolution,
				rootCause: d.rootCause,
				note: d.note,
				actor: d.createdBy,
			});
		}
		await dated.query(
			`UPDATE disputes SET opened_at = $2::timestamptz, resolved_at = CASE WHEN status = 'resolved' THEN $3::timestamptz END WHERE id = $1`,
			[
				opened.disputeId,
				instant(d.openedOn, '09:30'),
				d.resolvedOn ? instant(d.resolvedOn, '16:00') : null,
			],
		);
	}
	await dated.setHistoryDate(null);
	// Each day after a promised day, up to the reference day: the promise is kept or broken by the core's rule, as the
	// ledger stood that day.
	const days = [
		...new Set(
			data.promises.map((p) => core.addDays(p.promisedOn, 1)).filter((day) => day <= data.asOf),
		),
		data.asOf,
	].sort();
	for (const day of new Set(days)) await core.settlePromises(dated, { asOf: day, actor: 'demo' });
}

/**
 * Loads the demo company into `ledger` (migrated here if needed) unless it is there already. Returns
 * `{ status: 'loaded' | 'present', asOf, summary }`. The reference day is the first load's today (Europe/Paris):
 * a later call with a different day finds the company and leaves it as it is, aging with time.
 * A ledger that already holds other customers is refused: the demo never mixes with real data.
 */
export async function loadDemoCompany(core, ledger, { asOf, log = () => {} } = {}) {
	await ledger.ensureReady();
	const existing = await demoState(ledger);
	if (existing?.complete)
		return { status: 'present', asOf: existing.asOf, summary: existing.summary };
	if (!existing) {
		const others = await ledger.query('SELECT count(*)::int AS n FROM customers');
		if (others[0].n > 0) {
			throw new Error(
				`The ledger schema "${ledger.schema}" already holds ${others[0].n} customers of its own: the demo company is loaded only into an empty ledger.`,
			);
		}
		await ledger.query(
			'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
			[
				DEMO_SETTING,
				JSON.stringify({
					version: DEMO_VERSION,
					seed: DEMO_SEED,
					asOf: asOf ?? core.todayIn(ZONE),
					company: COMPANY.name,
					complete: false,
				}),
			],
		);
	}
	const state = await demoState(ledger);
	const policies = await installPolicies(core, ledger);
	const data = generateDemoCompany(core, {
		asOf: state.asOf,
		policies,
		seed: state.seed ?? DEMO_SEED,
	});
	const summary = summariseDemoCompany(core, data);

	log(
		`Demo company: ${data.customers.length} customers, ${data.invoices.length} invoices as of ${data.asOf}...`,
	);
	// Its identity, unless one was set already (never replaced here: a user may have changed it in the form).
	if (typeof core.saveCompany !== 'function')
		throw new Error('This build of the core has no saveCompany: run `npm run build`.');
	const identity = await ledger.query("SELECT 1 FROM settings WHERE key = 'company'");
	if (identity.length === 0)
		await core.saveCompany(ledger, COMPANY_IDENTITY, {
			logo: { data: readFileSync(COMPANY_LOGO), mimeType: 'image/png' },
			actor: 'demo',
		});
	await ledger.transaction(async (client) => {
		for (const s of data.staff) {
			await client.query(
				`INSERT INTO staff (code, name, email, phone, roles, manager_code, serves) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING`,
				[s.code, s.name, s.email, s.phone, s.roles, s.manager ?? null, s.serves ?? []],
			);
		}
	});
	rejected('customers', await core.upsertCustomers(ledger, data.customers.map(customerInput)));
	rejected(
		'invoices',
		await core.storeInvoices(
			ledger,
			data.invoices.map((inv) => invoiceInput(inv, 'invoice')),
			{ actor: 'demo' },
		),
	);
	for (const api of ['storePayments', 'openDispute', 'resolveDispute', 'settlePromises']) {
		if (typeof core[api] !== 'function')
			throw new Error(`This build of the core has no ${api}: run \`npm run build\`.`);
	}
	// What the core writes in the history while the demo loads is dated by the fact it tells, as it is written: a
	// ledger of one connection whose history date is set before each fact (the history stays append-only, nothing is
	// re-dated afterwards).
	const dated = core.openLedger({
		...ledger.config,
		maxConnections: 1,
		applicationName: 'n8n-nodes-receivables demo',
	});
	try {
		await loadDatedPayments(core, dated, data, rejected);
		await loadDetails(core, ledger, data);
		await loadDatedDisputesAndPromises(core, dated, data);
	} finally {
		await dated.close();
	}

	await ledger.query(
		`UPDATE settings SET value = value || $2::jsonb, updated_at = now() WHERE key = $1`,
		[DEMO_SETTING, JSON.stringify({ complete: true, loadedAt: new Date().toISOString(), summary })],
	);
	return { status: 'loaded', asOf: data.asOf, summary };
}

/**
 * The demo's courier accounts: one per courier of the demo company, so the courier page can be tried at once.
 * Logins are fixed; the secrets are this installation's (`npm start` keeps them in .data/secrets.json, under
 * "couriers", and prints them).
 */
export const DEMO_COURIER_ACCOUNTS = [
	{ login: 'coursier.casa', staffCode: 'CRS-CASA', area: 'Casablanca' },
	{ login: 'coursier.rabat', staffCode: 'CRS-RABAT', area: 'Rabat and the rest of Morocco' },
	{ login: 'coursier.dakar', staffCode: 'CRS-DKR', area: 'Senegal' },
	{ login: 'coursier.abidjan', staffCode: 'CRS-ABJ', area: "Côte d'Ivoire" },
].map((a) => ({ ...a, name: STAFF.find((s) => s.code === a.staffCode)?.name ?? a.staffCode }));

/**
 * Creates the demo's courier accounts that are not in the ledger yet, through the core (secret hashed with scrypt),
 * with `secrets[login]` as secret. An account already there keeps its secret and sessions.
 */
export async function ensureDemoCourierAccounts(core, ledger, secrets) {
	if (typeof core.saveCourierAccount !== 'function') return [];
	const existing = new Set(
		(
			await ledger.query('SELECT login FROM courier_accounts WHERE login = ANY($1::text[])', [
				DEMO_COURIER_ACCOUNTS.map((a) => a.login),
			])
		).map((r) => r.login),
	);
	for (const account of DEMO_COURIER_ACCOUNTS.filter((a) => !existing.has(a.login))) {
		if (!secrets?.[account.login])
			throw new Error(`No secret for the demo courier account ${account.login}.`);
		await core.saveCourierAccount(ledger, {
			login: account.login,
			name: account.name,
			staffCode: account.staffCode,
			language: 'fr',
			secret: secrets[account.login],
		});
	}
	return DEMO_COURIER_ACCOUNTS.map((a) => ({ ...a, secret: secrets?.[a.login] }));
}
