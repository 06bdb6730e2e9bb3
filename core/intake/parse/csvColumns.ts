import type { CsvField } from './types';

/** "Date d'échéance" → "date d echeance": lower case, no accents, words separated by one space. */
export function normaliseHeader(header: string): string {
	return header
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, ' ')
		.trim();
}

/**
 * Column names recognised for each invoice field, French and English, as accounting and invoicing software
 * export them (compared after normaliseHeader). The first field that claims a header wins, in this order.
 */
export const CSV_SYNONYMS: ReadonlyArray<[CsvField, readonly string[]]> = [
	['creditedNumber', ['facture d origine', 'facture origine', 'facture liee', 'facture rectifiee', 'facture avoir', 'n facture origine', 'numero facture origine', 'credited invoice', 'original invoice', 'original invoice number', 'credited number', 'invoice credited', 'reference facture origine']],
	['customerId', ['code client', 'compte client', 'compte tiers', 'code tiers', 'n client', 'no client', 'num client', 'numero client', 'numero de client', 'n compte client', 'compte auxiliaire', 'compauxnum', 'id client', 'ref client', 'reference client', 'customer id', 'customer code', 'customer number', 'customer no', 'customer ref', 'customer account', 'account number', 'account code', 'client id', 'customerid', 'client code']],
	['customerName', ['client', 'nom client', 'nom du client', 'raison sociale', 'raison sociale client', 'intitule client', 'denomination', 'compauxlib', 'societe', 'customer', 'customer name', 'client name', 'company', 'company name', 'bill to', 'billed to', 'customername']],
	['customerSiren', ['siren', 'siren client', 'siret', 'siret client', 'n siren', 'n siret', 'numero siren', 'numero siret', 'customer siren', 'company number', 'registration number']],
	['customerVat', ['tva intracom', 'tva intracommunautaire', 'n tva', 'n tva intracom', 'numero tva', 'numero de tva', 'n tva client', 'tva client', 'identifiant tva', 'vat number', 'vat id', 'vat no', 'customer vat', 'customer vat number', 'tax id']],
	['customerEmail', ['email', 'e mail', 'mail', 'courriel', 'adresse email', 'adresse e mail', 'email client', 'e mail client', 'email facturation', 'customer email', 'billing email', 'contact email']],
	['number', ['n facture', 'no facture', 'num facture', 'numero facture', 'numero de facture', 'numero de la facture', 'facture', 'n piece', 'no piece', 'num piece', 'numero piece', 'numero de piece', 'piece', 'pieceref', 'reference facture', 'ref facture', 'n document', 'numero document', 'invoice number', 'invoice no', 'invoice num', 'invoice', 'invoice id', 'invoice ref', 'invoice reference', 'document number', 'document no', 'number', 'numero', 'invoicenumber']],
	['docType', ['type', 'type de piece', 'type piece', 'type de document', 'type document', 'nature piece', 'document type', 'doc type', 'doctype', 'kind']],
	['issuer', ['emetteur', 'societe emettrice', 'entite', 'etablissement', 'issuer', 'entity', 'company code']],
	['currency', ['devise', 'code devise', 'monnaie', 'currency', 'currency code', 'idevise']],
	['totalExcl', ['montant ht', 'total ht', 'ht', 'base ht', 'montant hors taxes', 'total hors taxes', 'net ht', 'amount excl tax', 'amount excluding tax', 'total excl tax', 'total excl vat', 'net amount', 'subtotal', 'sub total', 'amount before tax', 'totalexcl']],
	['totalTax', ['montant tva', 'total tva', 'tva', 'taxes', 'montant taxes', 'vat', 'vat amount', 'tax', 'tax amount', 'total tax', 'total vat', 'totaltax']],
	['totalIncl', ['montant ttc', 'total ttc', 'ttc', 'montant toutes taxes comprises', 'total toutes taxes comprises', 'montant', 'total', 'amount incl tax', 'amount including tax', 'total incl tax', 'total incl vat', 'gross amount', 'total amount', 'amount', 'invoice total', 'totalincl']],
	['payable', ['net a payer', 'reste a payer', 'montant du', 'solde', 'solde du', 'a payer', 'amount due', 'balance due', 'balance', 'payable', 'payable amount', 'outstanding', 'open amount']],
	['issueDate', ['date facture', 'date de facture', 'date de la facture', 'date d emission', 'date emission', 'date piece', 'piecedate', 'date', 'invoice date', 'issue date', 'date issued', 'document date', 'issuedate']],
	['dueDate', ['echeance', 'date echeance', 'date d echeance', 'date de l echeance', 'date limite de paiement', 'date de reglement', 'date reglement', 'due date', 'due', 'payment due date', 'date due', 'duedate']],
	['receptionDate', ['date de reception', 'date reception', 'reception date', 'received on', 'receptiondate']],
	['termsDays', ['delai', 'delai de paiement', 'delai paiement', 'delai jours', 'nb jours', 'jours', 'terms days', 'payment terms days', 'days', 'net days', 'termsdays']],
	['paymentTerms', ['conditions de paiement', 'condition de paiement', 'conditions de reglement', 'condition de reglement', 'mode de reglement', 'reglement', 'payment terms', 'terms', 'payment conditions', 'paymentterms']],
	['poNumber', ['bon de commande', 'n commande', 'no commande', 'numero commande', 'numero de commande', 'commande', 'ref commande', 'reference commande', 'po', 'po number', 'purchase order', 'order number', 'order ref', 'order reference', 'ponumber']],
	['lineDescription', ['designation', 'libelle', 'libelle ligne', 'description', 'article', 'produit', 'prestation', 'item', 'product', 'line description', 'item description']],
	['lineQuantity', ['quantite', 'qte', 'qt', 'quantity', 'qty']],
	['lineUnitPrice', ['prix unitaire', 'prix unitaire ht', 'pu', 'pu ht', 'prix ht', 'unit price', 'price', 'unit price excl tax']],
	['lineAmount', ['montant ligne', 'montant ligne ht', 'total ligne', 'total ligne ht', 'montant ht ligne', 'line amount', 'line total', 'line net amount', 'line amount excl tax']],
	['lineVatRate', ['taux tva', 'taux de tva', 'taux', 'tva %', 'vat rate', 'tax rate', 'vat %', 'rate']],
];

/** Columns of a Fichier des Écritures Comptables (article A47 A-1 du Livre des procédures fiscales). */
export const FEC_COLUMNS = ['journalcode', 'journallib', 'ecriturenum', 'ecrituredate', 'comptenum', 'comptelib', 'compauxnum', 'compauxlib', 'pieceref', 'piecedate', 'ecriturelib', 'debit', 'credit', 'ecriturelet', 'datelet', 'validdate', 'montantdevise', 'idevise'];

/** Words for a document type, normalised. */
export const CSV_DOC_TYPES: Record<string, 'invoice' | 'credit_note'> = {
	facture: 'invoice', invoice: 'invoice', fa: 'invoice', f: 'invoice', fac: 'invoice', '380': 'invoice', inv: 'invoice', vente: 'invoice', sale: 'invoice',
	avoir: 'credit_note', 'credit note': 'credit_note', creditnote: 'credit_note', credit_note: 'credit_note', credit: 'credit_note',
	av: 'credit_note', a: 'credit_note', '381': 'credit_note', cn: 'credit_note', 'note de credit': 'credit_note', refund: 'credit_note',
};
