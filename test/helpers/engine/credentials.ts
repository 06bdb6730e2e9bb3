import { Credentials } from 'n8n-core';
import { ICredentialsHelper } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IHttpRequestOptions,
	INodeCredentialTestResult,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	IVersionedNodeType,
	INodeType,
} from 'n8n-workflow';
import type { PackageTypes } from './node-types';

/** Decrypted credential data by credential type (`receivablesLedgerApi`, `postgres`...) or by credential id/name. */
export type CredentialMap = Record<string, ICredentialDataDecryptedObject>;

/**
 * Hands nodes the decrypted data of their credentials, the way n8n's CredentialsHelper does once it has
 * decrypted them: looked up by the credential's id, then its name, then its type, with the defaults of the
 * credential type's properties filled in.
 */
export class InProcessCredentials extends ICredentialsHelper {
	constructor(
		private readonly types: PackageTypes,
		private readonly data: CredentialMap,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		const extended = this.types.getCredentialType(name).extends ?? [];
		return extended.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const type = this.types.getCredentialType(typeName);
		if (typeof type.authenticate === 'function') {
			return await type.authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		const credentials = new Credentials(
			{ id: nodeCredentials.id, name: nodeCredentials.name },
			type,
		);
		return credentials;
	}

	async getDecrypted(
		_additionalData: unknown,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const found =
			(nodeCredentials.id ? this.data[nodeCredentials.id] : undefined) ??
			this.data[nodeCredentials.name] ??
			this.data[type];
		if (!found) {
			throw new Error(
				`No data for the credential "${nodeCredentials.name}" (${type}): pass it in runWorkflow's credentials option, keyed by type, id or name`,
			);
		}
		return withDefaults(this.getCredentialsProperties(type), found);
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types.getCredentialType(type).properties;
	}
}

function withDefaults(
	properties: INodeProperties[],
	data: ICredentialDataDecryptedObject,
): ICredentialDataDecryptedObject {
	const result: ICredentialDataDecryptedObject = {};
	for (const property of properties) {
		if (property.type === 'notice' || property.default === undefined) continue;
		result[property.name] = property.default as ICredentialDataDecryptedObject[string];
	}
	return { ...result, ...data };
}

function nodeTypesOf(type: INodeType | IVersionedNodeType): INodeType[] {
	return 'nodeVersions' in type ? Object.values(type.nodeVersions) : [type];
}

/**
 * Runs the credential test n8n's editor runs for a credential ("Test" button): the `testedBy` method that a
 * node declaring the credential provides. Only node-method tests are supported (our credentials use them).
 */
export async function testCredential(
	types: PackageTypes,
	credentialType: string,
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult> {
	const properties = types.getCredentialType(credentialType).properties;
	const credential: ICredentialsDecrypted = {
		id: 'test',
		name: credentialType,
		type: credentialType,
		data: withDefaults(properties, data),
	};
	for (const nodeType of types.ownNodeTypes()) {
		for (const version of nodeTypesOf(nodeType)) {
			const declared = version.description.credentials?.find((c) => c.name === credentialType);
			const testedBy = declared?.testedBy;
			if (typeof testedBy !== 'string') continue;
			const test = version.methods?.credentialTest?.[testedBy];
			if (!test) continue;
			return await test.call({} as ICredentialTestFunctions, credential);
		}
	}
	throw new Error(`No node of this package declares a credential test for ${credentialType}`);
}
