/**
 * What customers write when they answer a reminder, by category and subcategory, in French and English.
 * Each phrase is a cue: it is normalised like the text (lower case, no accents, light stemming, stopwords
 * dropped) and matches the same words in order with at most two other words between them, inside one sentence.
 * `NEG` stands for any negation (pas, jamais, aucun, not, never, no...). Cue weights are prior strengths; the
 * trained model (model.json) weighs them against each other.
 *
 * Topic cues (single nouns such as "livraison", "prix") only name what the message is about: they are denied
 * by a negation or a "no problem" statement around them ("ce n'est pas la livraison, c'est le prix").
 */
export type DisputeCategory =
	| 'administrative'
	| 'logistics'
	| 'commercial'
	| 'technical'
	| 'payment_promise'
	| 'payment_sent'
	| 'delay_request'
	| 'auto_reply'
	| 'other';

export const CATEGORIES: DisputeCategory[] = [
	'administrative', 'logistics', 'commercial', 'technical', 'payment_promise', 'payment_sent', 'delay_request', 'auto_reply', 'other',
];

/** Categories that are disputes (a dispute can be opened in the ledger for them). */
export const DISPUTE_CATEGORIES: DisputeCategory[] = ['administrative', 'logistics', 'commercial', 'technical'];

export interface CueGroup {
	category: DisputeCategory;
	subcategory?: string;
	weight: number;
	topic?: boolean;
	phrases: string[];
}

export const DEFAULT_SUBCATEGORY: Record<DisputeCategory, string> = {
	administrative: 'invoice_error',
	logistics: 'not_delivered',
	commercial: 'price_error',
	technical: 'malfunction',
	payment_promise: 'undated',
	payment_sent: 'transfer',
	delay_request: 'extension',
	auto_reply: 'out_of_office',
	other: 'question',
};

export const SUBCATEGORIES: Record<DisputeCategory, string[]> = {
	administrative: ['invoice_not_received', 'missing_po', 'duplicate_invoice', 'credit_note_expected', 'wrong_entity', 'invoice_error', 'allocation'],
	logistics: ['not_delivered', 'partial_delivery', 'damaged', 'wrong_item', 'late_delivery', 'packaging'],
	commercial: ['price_error', 'discount_not_applied', 'offer_not_suited', 'order_cancelled', 'contract_terms'],
	technical: ['malfunction', 'defect', 'service_not_rendered', 'installation'],
	payment_promise: ['dated', 'undated', 'partial', 'payment_run'],
	payment_sent: ['transfer', 'cheque', 'mobile_money', 'already_paid', 'other'],
	delay_request: ['extension', 'installments', 'cash_difficulty'],
	auto_reply: ['out_of_office', 'acknowledgement', 'left_company', 'unmonitored'],
	other: ['awaiting_approval', 'contact_change', 'statement_request', 'question', 'acknowledgement', 'unrelated'],
};

export const LEXICON: CueGroup[] = [
	// ───────────── administrative ─────────────
	{ category: 'administrative', subcategory: 'invoice_not_received', weight: 2.5, phrases: [
		'NEG reçu facture', 'facture NEG reçue', 'facture NEG parvenue', 'facture NEG arrivée', 'facture jamais arrivée', 'jamais reçu facture',
		'NEG réceptionné facture', 'NEG réception facture', 'facture NEG réceptionnée', 'aucune facture reçue', 'aucune trace facture',
		'NEG trace facture', 'NEG trouve facture', 'facture introuvable', 'trouve nulle part facture', 'NEG trouve nulle part', 'facture perdue',
		'renvoyer facture', 'renvoyer la facture', 'renvoyez facture', 'renvoyer copie', 'envoyer copie facture', 'copie facture', 'copie de la facture',
		'duplicata', 'faire parvenir facture', 'transmettre facture', 'envoyer la facture', 'envoyez facture', 'déposer facture', 'chorus pro',
		'plateforme dématérialisation', 'facture NEG dossiers', 'uniquement relance', 'seulement relance', 
		'NEG received invoice', 'invoice NEG received', 'never received invoice', 'never got invoice', 'NEG got invoice', 'NEG receive invoice',
		'no invoice received', 'no invoice', 'invoice never arrived', 'resend invoice', 're send invoice', 'send invoice copy', 'invoice copy',
		'copy of invoice', 'NEG find invoice', 'can not find invoice', 'only reminder', 'only statement', 'send us invoice', 'send invoice',
		'went to spam', 'NEG record invoice', 'NEG trace invoice', 'no trace invoice', 'mailbox monitored invoices',
	] },
	{ category: 'administrative', subcategory: 'missing_po', weight: 2.5, phrases: [
		'numéro commande', 'numéro de commande', 'bon de commande', 'bon commande', 'BC', 'numéro BC', 'référence commande', 'référence bon commande',
		'manque numéro commande', 'sans bon commande', 'sans numéro commande', 'numéro engagement', 'bon livraison signé', 'commande client',
		'référence de commande', 'manque référence', 'bon de livraison signé', 'numéro de marché',
		'PO number', 'purchase order', 'PO', 'missing PO', 'no PO', 'without PO', 'PO reference', 'quote PO', 'quoting PO', 'valid PO', 'GRN',
		'goods received note', 'order number', 'order reference', 'PO quoted',
	] },
	{ category: 'administrative', subcategory: 'duplicate_invoice', weight: 3, phrases: [
		'doublon', 'facturé deux fois', 'facturé 2 fois', 'facture en double', 'facturée deux fois', 'facture deux fois', 'deux factures même',
		'même facture', 'même prestation', 'même livraison deux factures', 'reçu deux factures', 'deux fois même', 'déjà facturé', 'autre numéro',
		'numéro différent', 'facturé à deux reprises', 'envoyée deux fois', 'envoyée 2 fois', 'une seule est due', 'annuler une des deux',
		'duplicate', 'invoiced twice', 'billed twice', 'charged twice', 'same invoice twice', 'same invoice', 'double billing', 'double invoiced',
		'already invoiced', 'different numbers', 'two different numbers', 'sent twice', 'same thing as', 'cancel the duplicate', 'void other',
	] },
	{ category: 'administrative', subcategory: 'credit_note_expected', weight: 2, phrases: [
		'avoir', 'attendons avoir', 'attente avoir', 'avoir promis', 'avoir NEG reçu', 'NEG reçu avoir', 'faire un avoir', 'émettre avoir', 'établir avoir',
		'avoir jamais parvenu', 'note de crédit', 'avoir retour', 'retour marchandise',
		'credit note', 'credit memo', 'waiting credit', 'issue credit', 'promised credit', 'credit promised', 'net it off', 'RMA', 'returned items',
		'credit would follow', 'credit the delivery', 'credit is issued', 'credit note arrives',
	] },
	{ category: 'administrative', subcategory: 'wrong_entity', weight: 2.5, phrases: [
		'mauvaise adresse', 'ancienne adresse', 'adresse facturation', 'raison sociale', 'au nom de', 'mauvais nom', 'siret', 'siren', 'ICE',
		'ninea', 'numéro tva', 'n° entreprise', 'numéro entreprise', 'BCE', 'filiale', 'siège', 'libellée au nom', 'adressée à notre', 'entité',
		'changé de nom', 'changement de nom', 'nom de la société', 'ancien nom', 'fusion', 'déménagé', 'nom du siège', 'établissement',
		'wrong company', 'wrong address', 'old address', 'billing address', 'made out to', 'wrong entity', 'VAT number', 'company name',
		'legal entity', 'registered name', 'we moved', 'attn accounts payable', 'wrong name',
	] },
	{ category: 'administrative', subcategory: 'invoice_error', weight: 1.5, phrases: [
		'erreur facture', 'erreur facturation', 'erreur sur la facture', 'facture erronée', 'facture comporte erreur', 'facture rectifiée',
		'facture rectificative', 'facture corrigée', 'refaire facture', 'refaire la facture', 'taux de TVA', 'taux TVA', 'mauvais taux',
		'mentions obligatoires', 'faute de frappe', 'erreur de frappe', 'montant HT', 'quantité facturée', 'date prestation', 'devise',
		'facture conforme', 'facture NEG conforme', 'corriger facture', 'autoliquidation', 'TVA intracommunautaire', 'deux fois sur la même facture',
		'commissaire aux comptes', 'facture non conforme', 'corriger', 'rectifier',
		'wrong VAT', 'VAT rate', 'reverse charge', 'corrected invoice', 'revised invoice', 'reissue', 're issue', 'invoice error', 'typing error', 'typo',
		'NEG add up', 'total wrong', 'counted twice', 'wrong currency', 'invoice incorrect', 'NEG compliant', 'compliant version', 'compliant invoice',
		'credit and rebill', 'quantity NEG match', 'invoice quantity',
		'VAT at', 'zero rated', 'without VAT', 'TVA à 10', 'TVA à 5', 'ligne en double', 'deux fois la ligne',
	] },
	{ category: 'administrative', subcategory: 'allocation', weight: 3, phrases: [
		'lettrage', 'lettrer', 'imputation', 'mal imputé', 'erreur affectation', 'erreur d affectation', 'mal affecté', 'mal affecter', 'affectation',
		'avoir non utilisé', 'crédit sur notre compte', 'réglait les factures', 'couvrait les factures', 'imputation du paiement', 'relevé corrigé',
		'allocation', 'allocated wrongly', 'allocated it wrongly', 'allocate', 're allocate', 'matching error', 'unallocated', 'credit on our account',
		'applied wrong', 'misallocated', 'check your allocation', 'imputé', 'reallocate', 'wrong invoice', 'against the wrong',
	] },
	{ category: 'administrative', weight: 1, topic: true, phrases: ['facture', 'facturation', 'invoice', 'billing', 'paperwork', 'papiers', 'administratif'] },

	// ───────────── logistics ─────────────
	{ category: 'logistics', subcategory: 'not_delivered', weight: 2.5, phrases: [
		'NEG livré', 'NEG été livré', 'jamais livré', 'jamais été livrée', 'NEG été livrés', 'NEG reçu marchandise', 'marchandise NEG reçue',
		'marchandise NEG arrivée', 'NEG reçu livraison', 'livraison NEG arrivée', 'NEG reçu commande', 'commande NEG arrivée', 'commande NEG livrée',
		'colis NEG arrivé', 'NEG reçu colis', 'NEG reçu rien', 'rien reçu', 'NEG rien reçu', 'toujours pas été livrés', 'attente livraison',
		'attendons livraison', 'bloquée au port', 'bloquée douane', 'douane', 'dédouanement', 'destinataire absent', 'retourné expéditeur',
		'relivrer', 'nouvelle livraison', 'NEG signé bon de livraison', 'bon de livraison NEG signé', 'chauffeur NEG présenté', 'chauffeur jamais présenté',
		'camion NEG passé', 'reparti avec les colis', 'transitaire', 'NEG récupéré', 'reçu aucune livraison', 'jamais eu la palette',
		'NEG delivered', 'never delivered', 'NEG received goods', 'goods NEG received', 'NEG received parts', 'NEG received order', 'NEG received anything',
		'nothing received', 'never arrived', 'NEG arrived', 'still waiting delivery', 'stuck customs', 'customs', 'proof of delivery', 'POD',
		'never got', 'goods we never got', 'in transit', 'no delivery', 'NEG record delivery', 'no record of it', 'investigation carrier',
		'tracking says delivered', 'nobody received', 'received nothing',
	] },
	{ category: 'logistics', subcategory: 'partial_delivery', weight: 3, phrases: [
		'livraison incomplète', 'livraison partielle', 'reliquat', 'seulement reçu', 'reçu seulement',
		'complément', 'compléter livraison', 'quantité livrée', 'palette manquante', 'rupture', 'livré facturé', 'livrés facturés',
		'manque une palette', 'moitié cartons', 'reste quand', 'payer les reçus', 'articles livrés',
		'partial delivery', 'short', 'short delivered', 'shortage', 'missing items', 'only received', 'received only', 'only part', 'balance quantity',
		'remaining units', 'remainder', 'rest when', 'short of', 'pay for what we have received',
	] },
	{ category: 'logistics', subcategory: 'partial_delivery', weight: 1.5, phrases: ['il manque', 'manquant', 'manquants', 'missing'] },
	{ category: 'logistics', subcategory: 'damaged', weight: 3, phrases: [
		'endommagé', 'endommagée', 'abîmé', 'abîmée', 'cassé', 'cassée', 'cassées', 'casse', 'brisé', 'brisées', 'écrasé', 'écrasés', 'rayé',
		'fêlée', 'mouillé', 'mouillés', 'déchiré', 'renversé', 'renversées', 'réserves', 'réserve', 'fait les réserves', 'constat', 'photos',
		'enfoncée', 'carton ouvert', 'avarie', 'refusé le colis', 'arrivé ouvert',
		'damaged', 'damage', 'broken', 'smashed', 'crushed', 'cracked', 'dented', 'scratched', 'wet', 'damage in transit', 'photos attached',
		'survey report', 'forklift', 'CMR', 'insurance claim', 'breakage', 'broken in transit',
	] },
	{ category: 'logistics', subcategory: 'wrong_item', weight: 3, phrases: [
		'livré au lieu', 'reçu au lieu', 'mauvaise référence', 'mauvais produit', 'mauvais article', 'erreur de livraison', 'erreur livraison',
		'erreur préparation', 'NEG correspond commande', 'produit NEG correspond', 'commande autre client', 'autre client', 'reprendre marchandise',
		'échanger', 'échange', 'bonne référence', 'bon modèle', 'à reprendre', 
		'sent us instead', 'received instead', 'wrong item', 'wrong items', 'wrong product', 'wrong colour', 'wrong color', 'wrong size', 'wrong model', 'picking error',
		'NEG what ordered', 'collect them', 'pickup', 'swap', 'exchange', 'right ones', 'correct one', 'taken back', 'right sizes', 
	] },
	{ category: 'logistics', subcategory: 'late_delivery', weight: 3, phrases: [
		'retard livraison', 'retard de livraison', 'livraison retard', 'livré retard', 'arrivée retard', 'arrivé avec retard', 'semaines de retard',
		'jours de retard', 'mois de retard', 'pénalités de retard', 'pénalité de retard', 'délai de livraison', 'date impérative', 'livraison prévue',
		'devait être livré', 'devait arriver', 'devait avoir lieu', 'livraison devait', 'créneau', 
		'late delivery', 'delivered late', 'came late', 'arrived late', 'weeks late', 'days late', 'delivery delay', 'missed slot',
		'after promised date', 'after the event', 'late delivery penalty', 'delivery was late', 'weeks after',
	] },
	{ category: 'logistics', subcategory: 'packaging', weight: 3, phrases: [
		'conditionnement', 'emballage', 'étiquetage', 'palette filmée', 'en vrac', 'isotherme', 'caisses isothermes', 'température', 'chaîne du froid',
		'cahier des charges', 'sans étiquetage',
		'packaging', 'packed', 'labelled', 'labeling', 'barcode', 'stacked', 'stacking', 'packaging specification', 'not as per our specification',
	] },
	{ category: 'logistics', weight: 1, topic: true, phrases: [
		'livraison', 'livré', 'marchandise', 'colis', 'transport', 'transporteur', 'chauffeur', 'livreur', 'palette', 'palettes', 'cartons',
		'delivery', 'delivered', 'shipment', 'goods', 'parcel', 'carrier', 'driver', 'pallets', 'consignment', 'quantité', 'quantity',
	] },

	// ───────────── commercial ─────────────
	{ category: 'commercial', subcategory: 'price_error', weight: 2, phrases: [
		'prix', 'tarif', 'prix unitaire', 'prix facturé', 'devis', 'offre', 'proforma', 'prix convenu', 'prix négocié', 'prix du contrat',
		'hausse de tarif', 'hausse', 'augmentation', 'ancien prix', 'ancien tarif', 'prix NEG correspond', 'NEG correspond devis', 'NEG correspond offre',
		'négocié', 'contestons tarif', 'tarif urgence', 'indexation', 'grille', 'franco de port', 'frais de port', 'montant du devis',
		'heures facturées', 'avenant', 'prix du jour', 'prix fixe', 'mètre cube', 'la tonne', 'le kilo', 
		'price', 'pricing', 'rate', 'unit price', 'quote', 'quotation', 'agreed price', 'price list', 'list price', 'higher than', 'contract rate',
		'SOW', 'price increase', 'overcharged', 'charged more', 'distributor price', 'per hour', 'rate card', 'above the quote', 'prices',
	] },
	{ category: 'commercial', subcategory: 'discount_not_applied', weight: 3, phrases: [
		'remise', 'remise NEG appliquée', 'ristourne', 'rabais', 'geste commercial', 'promotion', 'escompte', 'remise NEG apparaît',
		'remise NEG déduite', 'remise grand compte', 'remise de fin',
		'discount', 'rebate', 'promotional', 'free delivery', 'get 1 free', 'launch discount', 'volume discount', 'early payment discount',
		'goodwill', 'goodwill credit', 'free month', 'months free', 'mois offert', 'mois gratuits', 'remise de fidélité', 'remise promise',
	] },
	{ category: 'commercial', subcategory: 'offer_not_suited', weight: 3, phrases: [
		'NEG correspond besoins', 'NEG répond besoins', 'besoins', 'inadapté', 'inadaptée', 'sous dimensionné', 'surdimensionné', 'trop petit',
		'trop grand', 'insuffisant', 'NEG convient', 'formule', 'abonnement', 'résilier', 'résiliation', 'vendu', 'commercial assuré', 'étude sur site',
		'inutile', 'pas besoin', 'NEG besoin', 'offre inadaptée', 'nous a fait signer', 'révision du contrat', 'revoir le contrat',
		'meet needs', 'what we needed', 'needs', 'too small', 'too big', 'more than we need', 'downgrade', 'oversold', 'useless',
		'not suitable', 'unsuitable', 'NEG do what', 'salesman said', 'salesperson recommended', 'rep sold', 'cancel contract',
		'scope of work', 'advertised', 'bigger model', 'enterprise plan', 'cancel the contract',
	] },
	{ category: 'commercial', subcategory: 'order_cancelled', weight: 3, phrases: [
		'annulé commande', 'commande annulée', 'annulation', 'jamais commandé', 'jamais passé commande', 'NEG passé commande', 'NEG commandé',
		'commande NEG validée', 'rétractation', 'NEG lieu d être', 'facture NEG fondée', 'commande orale', 'annulée d un commun accord',
		'cancelled order', 'order cancelled', 'cancelled this order', 'cancellation', 'never ordered', 'NEG ordered', 'withdrawal period',
		'no PO for this', 'should NEG invoiced', 'subscription cancelled', 'subscription was cancelled', 'cancelled in', 'cancelled by email',
	] },
	{ category: 'commercial', subcategory: 'contract_terms', weight: 3, phrases: [
		'contrat prévoit', 'conditions de paiement', 'délai de paiement convenu', 'jours fin de mois', 'jours date de facture', 'NEG échue',
		'relance prématurée', 'terme échu', 'trimestrielle', 'frais de dossier', 'conformément contrat', 'accord commercial',
		'NEG lieu d être', 'échéance convenue', 'mettre à jour vos conditions', 'LCR à 60 jours', 'paiement à 60 jours', 'selon notre accord',
		'payment terms', 'days from invoice', 'NEG overdue', 'NEG due yet', 'framework contract', 'per our agreement', 'according to our agreement',
		'after acceptance', 'handling fee', 'days after receipt', 'terms are', 'what was agreed', 'stop the reminders', 'correct your records',
		'gave notice', 'notice period', 'contract ended', 'préavis', 'résilié', 'reconduction',
	] },
	{ category: 'commercial', weight: 1, topic: true, phrases: ['prix', 'tarif', 'commercial', 'montant', 'price', 'quote', 'contrat', 'contract', 'salesman', 'sales', 'rate', 'amount'] },

	// ───────────── technical ─────────────
	{ category: 'technical', subcategory: 'malfunction', weight: 2.5, phrases: [
		'NEG fonctionne', 'NEG marche', 'NEG marche plus', 'marche plus', 'en panne', 'panne', 'tombe en panne', 'NEG démarre', 'bug', 		'code erreur', 'dysfonctionnement', 's arrête', 'arrête toute seule', 'redémarre', 'fuit', 'fuite', 'chauffe', 'NEG chauffe', 'HS',
		'hors service', 'technicien', 'SAV', 'réparation', 'réparer', 'réparée', 'dépannage', 'mise à jour', 'ticket', 'support',
		'bourrage', 'perd les appels', 'ne descend pas', 'fonctionne pas correctement', 'remettre en marche', 'bloque notre travail',
		'not working', 'NEG work', 'stopped working', 'broken down', 'breakdown', 'broke down', 'malfunction', 'fault', 'crash', 'error code', 'error message',
		'crashes', 'reboot', 'rebooting', 'down since', 'offline', 'leaking', 'noise', 'jamming', 'technician', 'engineer', 		'repair', 'support ticket', 'firmware', 'NEG functioning', 'drops every call', 'not function', 'bricked',
	] },
	{ category: 'technical', subcategory: 'defect', weight: 3, phrases: [
		'défaut', 'défectueux', 'défectueuse', 'défaut de fabrication', 'NEG conforme', 'contrôle qualité', 'rapport de contrôle', 'tolérance',
		'lot défectueux', 'garantie', 'écaille', 'fuient', 'taches', 'décoloration', 'résistance', 'refusons le lot', 'inutilisables',
		'NEG sèchent', 'défaut de traitement', 'remplacement du lot',
		'defect', 'defective', 'faulty batch', 'out of tolerance', 'quality report', 'inspection', 'failed', 'warranty', 'shrank', 'flicker',
		'hold charge', 'print defect', 'rejecting the batch', 'fabric defect', 'faulty',
	] },
	{ category: 'technical', subcategory: 'service_not_rendered', weight: 3, phrases: [
		'prestation NEG réalisée', 'NEG réalisée', 'prestation NEG effectuée', 'NEG effectuée', 'personne NEG venu', 'personne est venu', 'jamais venu',
		'NEG venu', 'NEG eu lieu', 'formation NEG eu lieu', 'formateur', 'NEG intervention', 'rapport d intervention', 'NEG fait', 'travail NEG fait',
		'à moitié', 'absents', 'astreinte', 'niveau de service', 'non respect', 'prestation non conforme', 'service NEG conforme', 'prestation non réalisée',
		'NEG rien réparé', 'n a servi à rien', 'aucune visite', 'NEG fait le travail', 'seulement deux fois', 'au lieu de quatre', 'demi journée',
		'not performed', 'NEG carried out', 'never carried out', 'NEG provided', 'NEG rendered', 'NEG done', 'never came', 'nobody came',
		'did NEG show', 'absent', 'cancelled twice', 'no report', 'SLA', 'service level', 'work was done', 'evidence',
		'actually rendered', 'machine translation', 'not translated',
	] },
	{ category: 'technical', subcategory: 'installation', weight: 3, phrases: [
		'installation', 'mise en service', 'NEG installé', 'NEG raccordé', 'raccordement', 'montage', 'NEG monté', 'NEG posé', 'paramétré',
		'configuration', 'réception du projet', 'recette', 'installateur', 'dans son carton', 'dans les cartons', 'NEG terminé', 'fin des travaux',
		'installation', 'installed', 'NEG installed', 'never installed', 'commissioning', 'configured', 'go live', 'system is live', 'acceptance test',
		'set up', 'NEG connected', 'NEG finished', 'installation team',
	] },
	{ category: 'technical', weight: 1, topic: true, phrases: [
		'machine', 'appareil', 'matériel', 'logiciel', 'système', 'équipement', 'installation', 'qualité', 'device', 'software', 'system',
		'equipment', 'unit', 'product', 'quality', 'service',
	] },

	// ───────────── payment promise ─────────────
	{ category: 'payment_promise', weight: 2.5, phrases: [
		'sera payé', 'sera payée', 'sera réglé', 'sera réglée', 'seront payées', 'seront réglées', 'serez payés', 'serez réglés', 'serez payé',
		'paiement sera', 'paiement sera effectué', 'règlement sera', 'règlement interviendra', 'règlement vous parviendra', 'virement sera',
		'virement partira', 'paiement partira', 'partira', 'virement programmé', 'paiement programmé', 'paiement prévu', 'paiement planifié',
		'paiement est planifié', 'allons payer', 'allons régler', 'va payer', 'vais payer', 'on paie', 'vous paie', 
		'réglerons', 'payerons', 'paierons', 'vous réglerons', 'je fais le virement', 'fais le virement', 'faire le virement', 'lance le virement',
		'je passe le virement', 'passe le virement', 'prochaine campagne', 'campagne de règlements', 'campagne de virements', 'comité de paiement',
		'planning de paiement', 'échéance de paiement', 'échéances de paiement', 'facture validée', 'facture est validée', 'chèque signé',
		'chèque sera', 'chèque disponible', 'récupérer le chèque', 'vous l aurez', 'sans faute', 'au plus tard', 'incessamment',
		'sous huitaine', 'sous quinzaine', 'vous recevrez le règlement', 'vous recevrez', 'va faire le virement', 'allons faire le virement',
		'on va faire le virement', 'mise en paiement', 'mis en paiement', 'passera au', 
		'will pay', 'will be paid', 'will be made', 'will be done', 'will be effected', 'will be processed', 'will settle', 'will clear',
		'will send payment', 'will send the payment', 'payment will', 'scheduled', 'payment run', 'next payment run', 'approved',
		'approved for payment', 'will go out', 'goes out', 'get this paid', 'will sort it', 'sort it out', 'you will be paid', 'remittance will follow',
		'by end of month', 'latest', 'within the next', 'hold any further reminders', 'pay the invoice on',
	] },
	{ category: 'payment_promise', subcategory: 'payment_run', weight: 2, phrases: [
		'payment run', 'next payment run', 'scheduled payment run', 'campagne de règlements', 'campagne de virements', 'comité de paiement',
		'prochain run', 'campagne de paiement', 'payment batch',
	] },
	{ category: 'payment_promise', subcategory: 'partial', weight: 2, phrases: [
		'la moitié cette semaine', 'moitié', 'le reste le mois prochain', 'half', 'partial payment', 'part of the amount',
	] },

	// ───────────── payment sent ─────────────
	{ category: 'payment_sent', subcategory: 'transfer', weight: 2.5, phrases: [
		'virement effectué', 'virement fait', 'virement a été effectué', 'virement émis', 'virement exécuté', 'virement passé', 'virement initié',
		'virement parti', 'virement est parti', 'fait le virement ce', 'effectué le virement', 'avons viré', 'viré', 'a été viré', 'paiement effectué',
		'paiement fait', 'paiement émis', 'paiement parti', 'paiement est parti', 'avons payé', 'avons réglé', 'avons soldé', 'avons procédé au règlement',
		'procédé au paiement', 'effectué le règlement', 'effectué le paiement', 'réglé ce jour', 'réglé par virement', 'payé par virement', 'réglée par virement', 'preuve de paiement', 'preuve de virement',
		'avis de virement', 'avis d opéré', 'ordre de virement', 'relevé bancaire', 'capture d écran', 'référence de l opération', 'référence du virement',
		'swift', 'croisé', 's est croisé', 'se croiser', 'payé depuis', 'on a fait le virement',
		'virement bancaire', 'virement SEPA', 'payé hier', 'réglé hier', 'a été exécuté', 
		'have paid', 'payment made', 'payment was made', 'payment released', 'released',
		'payment has been effected', 'effected today', 'transfer done', 'transferred', 'made the transfer', 'sent the payment', 'remittance',
		'remittance advice', 'proof of payment', 'payment slip', 'swift copy', 'UETR', 'UTR', 'bank transfer', 'gone through', 'processed payment',
		'paid today', 'paid yesterday', 'paid on the', 'paid last week', 'paid this morning', 'payment sent', 'funds reach', 'should hit your account', 'check with your bank', 'sent the payment',
		'transfer has gone', 'has been released', 
		'i ve paid', 'we ve paid', 'paid it', 'paid via', 'paid the outstanding', 'paid this afternoon', 'paid just now', 'c est payé', 'c est réglé',
	] },
	{ category: 'payment_sent', subcategory: 'cheque', weight: 3, phrases: [
		'chèque envoyé', 'envoyé un chèque', 'envoyé le chèque', 'chèque adressé', 'remis un chèque', 'chèque remis', 'chèque de', 'chèque n°',
		'cheque posted', 'cheque mailed', 'cheque was posted', 'posted a cheque', 'mailed a cheque', 'cheque for', 'cheque number', 'check mailed',
	] },
	{ category: 'payment_sent', subcategory: 'mobile_money', weight: 3, phrases: [
		'orange money', 'wave', 'mtn mobile money', 'mobile money', 'moov money', 'transfert', 'dépôt par', 'dépôt espèces', 'numéro de transaction', 'id transaction',
		'versement en espèces', 'reçu n°', 'cash deposit',
	] },
	{ category: 'payment_sent', subcategory: 'already_paid', weight: 3, phrases: [
		'déjà payé', 'déjà payée', 'déjà réglé', 'déjà réglée', 'déjà été réglée', 'déjà été payée', 'facture soldée', 
		'réglée depuis', 'payée depuis', 'vérifier vos relevés', 'regardez vos relevés', 'vérifier votre comptabilité', 'arrêter les relances',
		'already paid', 'paid already', 'was settled', 'settled weeks ago', 'paid in full', 'stop sending reminders', 'check your records',
		'crossed with your reminder', 'paid last month',
	] },
	{ category: 'payment_sent', subcategory: 'other', weight: 2.5, phrases: [
		'LCR', 'traite', 'prélèvement', 'débité', 'carte bancaire', 'espace client', 'by card', 'online portal', 'confirmation number', 'direct debit',
	] },

	// ───────────── delay request ─────────────
	{ category: 'delay_request', subcategory: 'extension', weight: 2.5, phrases: [
		'délai', 'délai de paiement', 'délai supplémentaire', 'accorder un délai', 'obtenir un délai', 'sollicitons un délai', 'solliciter un délai',
		'reporter', 'report d échéance', 'demande de report', 'report de l échéance', 'décaler', 'décaler le paiement', 'repousser', 'repousser l échéance',
		'prolongation', 'patienter', 'pouvez patienter', 'attendre', 'pouvez attendre', 'attendre encore', 'un peu de temps', 'laisser un peu de temps',
		'jusqu à son retour', 'est il possible', 'serait il possible', 'pouvons nous', 'pouvez vous nous accorder', 'mois prochain au lieu',
		'au lieu de ce mois', 'envisageable', 'exceptionnellement', 'sans pénalités', 'sans frais', 'compréhension', 'bienveillance', 'indulgence',
		'extension', 'extend', 'more time', 'extra time', 'extra 30 days', 'few more weeks', 'push', 'postpone', 'defer', 'delay payment',
		'flexibility', 'bear with us', 'would it be possible', 'is it possible', 'any chance', 'hold off', 'give us until',
		 'a bit more time', 'some more time', 'some more weeks', 'understanding', 'any way we could',
	] },
	{ category: 'delay_request', subcategory: 'installments', weight: 3, phrases: [
		'échéancier', 'plan d apurement', 'étaler', 'étalement', 'paiement échelonné', 'plusieurs fois', 'en trois fois', 'en 4 fois', 'en deux fois',
		'mensualité', 'mensualités', 'chaque mois', 'euros par mois', 'versements', 'tranches', 'la moitié maintenant', 'le reste dans', 'mandat SEPA',
		'payment plan', 'instalments', 'installments', 'instalment', 'installment', 'split the payment', 'split the invoice', 'monthly payments',
		'monthly instalments', 'half now', 'each month', 'in 3 payments', 'three payments', 'arrangement',
	] },
	{ category: 'delay_request', subcategory: 'cash_difficulty', weight: 3, phrases: [
		'difficultés', 'difficultés de trésorerie', 'trésorerie tendue', 'trésorerie', 'problème de trésorerie', 'trésorerie à plat',
		'fonds NEG disponibles', 'NEG pouvons payer', 'NEG pourrons payer', 'NEG pouvons régler', 'NEG pourrons régler', 'NEG serons en mesure',
		'NEG pouvons honorer', 'NEG pouvons effectuer', 'redressement judiciaire', 'procédure de sauvegarde', 'liquidation judiciaire',
		'cessation de paiements', 'mandataire judiciaire', 'déclarer votre créance', 'comptes bloqués', 'saisie', 'crise', 'perte d un gros client',
		'situation difficile', 'activité à l arrêt', 'période difficile', 'nos clients ne nous payent pas', 'attendons le paiement de l état',
		'paiements sont gelés', 'mauvaise saison', 'subvention', 'indemnisation',
		'cash flow', 'cash is tight', 'tight', 'short on cash', 'struggling', 'NEG able to pay', 'unable to pay', 'unable to settle', 'unable to remit',
		'NEG meet the due date', 'NEG be able to pay', 'in administration', 'administrators', 'bankrupt', 'insolvency', 'creditors', 'frozen',
		'bad quarter', 'slow month', 'economic situation', 'currency crisis', 'foreign exchange',
	] },

	// ───────────── automatic replies ─────────────
	{ category: 'auto_reply', subcategory: 'out_of_office', weight: 3, phrases: [
		'réponse automatique', 'message automatique', 'généré automatiquement', 'envoyé automatiquement', 'automatiquement', 'absent', 'absente',
		'absent du bureau', 'absence', 'suis absent', 'suis absente', 'suis en congé', 'suis en congés', 'congé maternité',
		'congé annuel', 'arrêt maladie', 'en déplacement', 'en vacances', 'accès limité', 'accès limité à ma messagerie', 'messagerie', 'en cas d urgence', 'pour toute urgence',
		'fermé pour', 'traitées à mon retour', 'ne pourrai consulter', 'je vous répondrai', 'je vous recontacte',
		'automatic reply', 'auto reply', 'automated response', 'automatic', 'automated', 'out of office', 'out of the office', 'annual leave',
		'on leave', 'parental leave', 'maternity leave', 'on holiday', 'on vacation', 'travelling', 'traveling', 'limited access', 'limited access to email',
		'no access to email', 'upon my return', 'when i back', 'will be back', 'away from my desk', 'out sick',
		'for urgent matters', 'urgent matters', 'in my absence', 'office is closed', 'reply when back', 'respond upon my return', 'emails will not be read',
	] },
	{ category: 'auto_reply', subcategory: 'acknowledgement', weight: 3, phrases: [
		'ne pas répondre', 'ne pas y répondre', 'merci de ne pas répondre', 'accusons réception', 'accusé de réception', 'accusons bonne réception',
		'votre demande a été enregistrée', 'enregistrée sous le numéro', 'enregistrée sous la référence', 'délai de traitement', 'jours ouvrés',
		'heures ouvrées', 'sera traitée', 'seront traitées', 'portail fournisseurs', 'ce courriel est envoyé automatiquement', 'message est automatique',
		'do not reply', 'email has been received', 'message has been received', 'ticket has been created', 'logged with reference', 'working days', 'business days', 'automatic confirmation',
		'automatically generated', 'automated acknowledgement', 'response time', 'supplier portal', 'expected response time', 'sends automatic replies',
	] },
	{ category: 'auto_reply', subcategory: 'left_company', weight: 3, phrases: [
		'ne fais plus partie', 'ne fait plus partie', 'a quitté', 'quitté la société', 'adresse n est plus active', 'plus active', 'ne sera plus consultée',
		'no longer works', 'has left', 'left the company', 'have left the company', 'deactivated', 'no longer with',
	] },
	{ category: 'auto_reply', subcategory: 'unmonitored', weight: 3, phrases: [
		'boîte aux lettres n est pas consultée', 'cette adresse', 'à cette adresse', 'ne sont pas traitées', 'relances ne sont pas traitées', 'n est pas consultée', 'plus consultée', 'boîte aux lettres',
		'not monitored', 'unmonitored', 'this address', 'to this address', 'will not be processed', 'not be processed', 'do not send invoices', 'no longer monitored', 'mailbox is not monitored', 'unmonitored mailbox', 'are not monitored',
	] },

	// ───────────── other ─────────────
	{ category: 'other', subcategory: 'awaiting_approval', weight: 2, phrases: [
		'circuit de validation', 'au circuit', 'circuit', 'en cours de validation', 'en attente de validation', 'attente de validation', 'validation',
		'visa', 'signature', 'en attente de signature', 'chez le DAF', 'bon à payer', 'on va voir', 'revenir vers vous',
		'reviens vers vous', 'revient', 'tiens informé', 'tiens au courant', 'transmise pour validation', 'contrôle de gestion', 'contrôle financier',
		'mandatement', 'suit son cours', 'service fait', 'constatation du service fait', 'dossier suit', 'procédure normale', 'NEG dire quand', 'NEG donner de date', 'on vous fait signe', 'relance de mon côté',
		'pending approval', 'approval', 'awaiting approval', 'for approval', 'sign off', 'budget holder', 'approval workflow', 'chase internally',
		'revert', 'get back to you', 'no visibility', 'let you know', 'not sure how long',
	] },
	{ category: 'other', subcategory: 'contact_change', weight: 2.5, phrases: [
		'plus en charge', 'ne m occupe plus', 'ne suis plus', 'désormais', 'mettre à jour vos contacts', 'nouveau contact', 'nouveau responsable',
		'adresser désormais', 'contacter désormais', 'changé de comptable', 'ne plus m envoyer', 'mettre en copie', 'je suis le commercial',
		'not the right person', 'right person', 'from now on', 'instead of my address', 'update your records', 'moved to', 'new contact',
		'direct your reminders', 'accountant changed', 'different department',
	] },
	{ category: 'other', subcategory: 'statement_request', weight: 3, phrases: [
		'relevé de compte', 'solde de notre compte', 'liste de toutes nos factures', 'détail des factures', 'rapprochement', 'clôture',
		'faire le point', 'factures non soldées', 'factures ouvertes',
		'statement', 'statement of account', 'balance confirmation', 'confirmation of balance', 'confirm the balance', 'reconcile', 'audit', 'auditors',
		'year end',
	] },
	{ category: 'other', subcategory: 'question', weight: 1.5, phrases: [
		'question', 'coordonnées bancaires', 'RIB', 'IBAN', 'à quoi correspondent', 'expliquer', 'préciser', 'comprend le transport',
		'quelles sont', 
		'quick question', 'bank details', 'bank account', 'which invoice', 'do you accept', 'can you tell', 'supplier portal', 'W 9',
		'withholding tax', 'registration certificate', 'who can i call', 'which bank', 'prélèvement automatique', 'à l avenir', 'in future', 'going forward',
	] },
	{ category: 'other', subcategory: 'acknowledgement', weight: 2, phrases: [
		'bien reçu', 'bien noté', 'c est noté', 'noté merci', 'merci pour l info', 'transmets', 'fais le nécessaire',
		'bonne réception', 
		'noted', 'received thank', 'thanks received', 'look into it', 'look into', 'passing this on', 'noted with thanks', 'get back to you',
	] },
	{ category: 'other', subcategory: 'unrelated', weight: 3, phrases: [
		'salon', 'catalogue', 'candidature', 'rendez vous', 'proposer nos services', 'plaquette', 'nouveaux fournisseurs',
		'invite', 'invitation', 'suppliers day', 'recrutons', 'recruiting', 'brochure', 'linkedin', 'by mistake', 'remove me', 'NEG customer of yours', 'newsletter', 'unsubscribe',
	] },
];

/** Words that, in the same clause, put what follows forward ("le vrai problème c'est..."). */
export const EMPHASIS = [
	'vrai problème', 'le problème c est', 'le souci c est', 'ce qui bloque', 'surtout', 'plus important', 'principal', 'd abord', 'en priorité',
	'c est le', 'c est la', 'c est que', 'seul problème', 'seul souci', 'uniquement', 'juste', 'simplement', 'le problème est',
	'real problem', 'main issue', 'the issue is', 'the problem is', 'more importantly', 'only issue', 'what blocks', 'it is the', 'it s the',
	'only', 'just', 'the issue', 'the problem', 'really',
];

/** Words that put their clause in the background ("we can discuss that later"). */
export const DEEMPHASIS = ['plus tard', 'pas grave', 'peu importe', 'ensuite', 'dans un second temps', 'later', 'after', 'a bit', 'minor', 'not a big deal'];

/** Phrases that deny the topics of their clause ("aucun souci de ce côté", "delivery was fine"). */
export const NO_PROBLEM = [
	'aucun souci', 'pas de souci', 'pas de problème', 'aucun problème', 'rien à redire', 'rien à voir', 'pas grave', 'tout est ok', 'est ok',
	'conforme', 'conformes', 'en ordre', 'parfait état', 'parfaite', 'parfait', 'impeccable', 'correct', 'correcte', 'est bon', 'sommes d accord',
	'ce n est pas', 'il ne s agit pas', 'pas une question', 'pas un problème', 'n est pas contestée', 'non contestée', 'aucune réclamation',
	'bien arrivé', 'bien arrivée', 'bien reçu',
	'no problem', 'no issue', 'nothing wrong', 'no complaint', 'is fine', 'was fine', 'are fine', 'is ok', 'all good', 'is correct', 'are correct',
	'not about', 'not why', 'not a', 'nothing to do', 'there is no problem', 'was good', 'on time', 'arrived thanks', 'sorted',
];
